import { lazy, Suspense } from 'react';
import { createBrowserRouter, Navigate } from 'react-router';
import { LoginPage } from '../features/auth/login-page';
import { NotFoundPage, RouteErrorPage } from './error-boundary';
import { ConsoleLayout } from './layouts/console-layout';
import { RequireAuth, RequirePermission, StaffOr } from './require-auth';

// Pages load on first visit, so the login page does not wait for the tables and trees.
const DashboardPage = lazy(() => import('../features/dashboard/dashboard-page').then((m) => ({ default: m.DashboardPage })));
const AreasPage = lazy(() => import('../features/areas/areas-page').then((m) => ({ default: m.AreasPage })));
// The map page carries MapLibre (about 1 MB): it and its worker load only when the map is opened.
const MapPage = lazy(() => import('../features/map/map-page').then((m) => ({ default: m.MapPage })));
const PeoplePage = lazy(() => import('../features/basedata/people-page').then((m) => ({ default: m.PeoplePage })));
const PersonPage = lazy(() => import('../features/basedata/person-page').then((m) => ({ default: m.PersonPage })));
const HouseholdsPage = lazy(() => import('../features/basedata/households-page').then((m) => ({ default: m.HouseholdsPage })));
const HouseholdPage = lazy(() => import('../features/basedata/household-page').then((m) => ({ default: m.HouseholdPage })));
const BuildingBoardPage = lazy(() => import('../features/basedata/building-board-page').then((m) => ({ default: m.BuildingBoardPage })));
const HousePage = lazy(() => import('../features/basedata/house-page').then((m) => ({ default: m.HousePage })));
const VisitFormPage = lazy(() => import('../features/basedata/visit-form-page').then((m) => ({ default: m.VisitFormPage })));
const CoveragePage = lazy(() => import('../features/basedata/coverage-page').then((m) => ({ default: m.CoveragePage })));
const OrganisationsPage = lazy(() => import('../features/basedata/organisations-page').then((m) => ({ default: m.OrganisationsPage })));
const ComponentsPage = lazy(() => import('../features/basedata/components-page').then((m) => ({ default: m.ComponentsPage })));
const ClaimsPage = lazy(() => import('../features/basedata/claims-page').then((m) => ({ default: m.ClaimsPage })));
const CasesPage = lazy(() => import('../features/cases/cases-page').then((m) => ({ default: m.CasesPage })));
const CasePage = lazy(() => import('../features/cases/case-page').then((m) => ({ default: m.CasePage })));
const CaseKpiPage = lazy(() => import('../features/case-kpi/case-kpi-page').then((m) => ({ default: m.CaseKpiPage })));
const FigureCasesPage = lazy(() => import('../features/case-kpi/figure-cases-page').then((m) => ({ default: m.FigureCasesPage })));
// The case map carries MapLibre like the map page: its own chunk.
const CaseMapPage = lazy(() => import('../features/map/case-map-page').then((m) => ({ default: m.CaseMapPage })));
// The resident's pages (居民随手拍): public, phone-first, no console around them.
const ReportPage = lazy(() => import('../features/public-report/report-page').then((m) => ({ default: m.ReportPage })));
const TrackPage = lazy(() => import('../features/public-report/track-page').then((m) => ({ default: m.TrackPage })));
const CaseReportPage = lazy(() => import('../features/cases/case-report-page').then((m) => ({ default: m.CaseReportPage })));
const HotlineDeskPage = lazy(() => import('../features/hotline/hotline-desk-page').then((m) => ({ default: m.HotlineDeskPage })));
const HotlineCategoriesPage = lazy(() => import('../features/hotline/hotline-categories-page').then((m) => ({ default: m.HotlineCategoriesPage })));
const AffairsCataloguePage = lazy(() => import('../features/affairs/catalogue-page').then((m) => ({ default: m.AffairsCataloguePage })));
const GroupConfigPage = lazy(() => import('../features/basedata/group-config-page').then((m) => ({ default: m.GroupConfigPage })));
const ProposalsPage = lazy(() => import('../features/basedata/proposals-page').then((m) => ({ default: m.ProposalsPage })));
const DivisionsPage = lazy(() => import('../features/divisions/divisions-page').then((m) => ({ default: m.DivisionsPage })));
const UsersPage = lazy(() => import('../features/users/users-page').then((m) => ({ default: m.UsersPage })));
const DepartmentsPage = lazy(() => import('../features/departments/departments-page').then((m) => ({ default: m.DepartmentsPage })));
const AuditPage = lazy(() => import('../features/audit/audit-page').then((m) => ({ default: m.AuditPage })));
const Open311KeysPage = lazy(() => import('../features/open311/open311-keys-page').then((m) => ({ default: m.Open311KeysPage })));
const JobsPage = lazy(() => import('../features/jobs/jobs-page').then((m) => ({ default: m.JobsPage })));
const CalendarPage = lazy(() => import('../features/calendar/calendar-page').then((m) => ({ default: m.CalendarPage })));
const SecurityPage = lazy(() => import('../features/security/security-page').then((m) => ({ default: m.SecurityPage })));
const ChangePasswordPage = lazy(() =>
  import('../features/auth/change-password-page').then((m) => ({ default: m.ChangePasswordPage })),
);

export const router = createBrowserRouter([
  { path: '/login', element: <LoginPage />, errorElement: <RouteErrorPage /> },
  // Public like the login page: a resident reports and follows a report without an account.
  { path: '/report', element: <Suspense fallback={null}><ReportPage /></Suspense>, errorElement: <RouteErrorPage /> },
  { path: '/track', element: <Suspense fallback={null}><TrackPage /></Suspense>, errorElement: <RouteErrorPage /> },
  { path: '/track/:caseNo', element: <Suspense fallback={null}><TrackPage /></Suspense>, errorElement: <RouteErrorPage /> },
  {
    path: '/',
    element: (
      <RequireAuth>
        <ConsoleLayout />
      </RequireAuth>
    ),
    errorElement: <RouteErrorPage />,
    children: [
      {
        errorElement: <RouteErrorPage />,
        children: [
          { index: true, element: <Navigate to="/dashboard" replace /> },
          { path: 'dashboard', element: <DashboardPage /> },
          {
            path: 'cases',
            element: (
              <RequirePermission permission="case.read">
                <CasesPage />
              </RequirePermission>
            ),
          },
          {
            path: 'cases/new',
            element: (
              <RequirePermission permission="case.report">
                <StaffOr fallback={<Navigate to="/report" replace />}>
                  <CaseReportPage />
                </StaffOr>
              </RequirePermission>
            ),
          },
          {
            path: 'cases/hotline',
            element: (
              <RequirePermission permission="case.hotline">
                <HotlineDeskPage />
              </RequirePermission>
            ),
          },
          {
            path: 'cases/hotline/categories',
            element: (
              <RequirePermission permission="case.hotline">
                <HotlineCategoriesPage />
              </RequirePermission>
            ),
          },
          {
            path: 'cases/kpi',
            element: (
              <RequirePermission permission="case.read">
                <CaseKpiPage />
              </RequirePermission>
            ),
          },
          {
            path: 'cases/kpi/cases',
            element: (
              <RequirePermission permission="case.read">
                <FigureCasesPage />
              </RequirePermission>
            ),
          },
          {
            path: 'cases/map',
            element: (
              <RequirePermission permission="case.read">
                <CaseMapPage />
              </RequirePermission>
            ),
          },
          {
            path: 'cases/:id',
            element: (
              <RequirePermission permission="case.read">
                <CasePage />
              </RequirePermission>
            ),
          },
          {
            path: 'areas',
            element: (
              <RequirePermission permission="area.report">
                <AreasPage />
              </RequirePermission>
            ),
          },
          {
            path: 'map',
            element: (
              <RequirePermission permission="area.report">
                <MapPage />
              </RequirePermission>
            ),
          },
          {
            path: 'settings/open311',
            element: (
              <RequirePermission permission="open311.manage">
                <Open311KeysPage />
              </RequirePermission>
            ),
          },
          {
            path: 'settings/jobs',
            element: (
              <RequirePermission permission="system.jobs">
                <JobsPage />
              </RequirePermission>
            ),
          },
          {
            path: 'settings/calendar',
            element: (
              <RequirePermission permission="calendar.manage">
                <CalendarPage />
              </RequirePermission>
            ),
          },
          {
            path: 'settings/affairs',
            element: (
              <RequirePermission permission="affairs.read">
                <AffairsCataloguePage />
              </RequirePermission>
            ),
          },
          {
            path: 'settings/groups',
            element: (
              <RequirePermission permission="basedata.configure">
                <GroupConfigPage />
              </RequirePermission>
            ),
          },
          {
            path: 'people',
            element: (
              <RequirePermission permission="basedata.read">
                <PeoplePage />
              </RequirePermission>
            ),
          },
          {
            path: 'people/:id',
            element: (
              <RequirePermission permission="basedata.read">
                <PersonPage />
              </RequirePermission>
            ),
          },
          {
            path: 'households',
            element: (
              <RequirePermission permission="basedata.read">
                <HouseholdsPage />
              </RequirePermission>
            ),
          },
          {
            path: 'households/:id',
            element: (
              <RequirePermission permission="basedata.read">
                <HouseholdPage />
              </RequirePermission>
            ),
          },
          {
            path: 'buildings/:id',
            element: (
              <RequirePermission permission="basedata.read">
                <BuildingBoardPage />
              </RequirePermission>
            ),
          },
          {
            path: 'houses/:id',
            element: (
              <RequirePermission permission="basedata.read">
                <HousePage />
              </RequirePermission>
            ),
          },
          {
            path: 'visits/new',
            element: (
              <RequirePermission permission="basedata.manage">
                <VisitFormPage />
              </RequirePermission>
            ),
          },
          {
            path: 'visits/coverage',
            element: (
              <RequirePermission permission="basedata.read">
                <CoveragePage />
              </RequirePermission>
            ),
          },
          {
            path: 'organisations',
            element: (
              <RequirePermission permission="basedata.read">
                <OrganisationsPage />
              </RequirePermission>
            ),
          },
          {
            path: 'claims',
            element: (
              <RequirePermission permission="basedata.manage">
                <ClaimsPage />
              </RequirePermission>
            ),
          },
          {
            path: 'components',
            element: (
              <RequirePermission permission="basedata.read">
                <ComponentsPage />
              </RequirePermission>
            ),
          },
          {
            path: 'proposals',
            element: (
              <RequirePermission permission="basedata.verify">
                <ProposalsPage />
              </RequirePermission>
            ),
          },
          {
            path: 'divisions',
            element: (
              <RequirePermission permission="division.read">
                <DivisionsPage />
              </RequirePermission>
            ),
          },
          {
            path: 'users',
            element: (
              <RequirePermission permission="user.read">
                <UsersPage />
              </RequirePermission>
            ),
          },
          {
            path: 'settings/departments',
            element: (
              <RequirePermission permission="department.read">
                <DepartmentsPage />
              </RequirePermission>
            ),
          },
          {
            path: 'audit',
            element: (
              <RequirePermission permission="audit.read">
                <AuditPage />
              </RequirePermission>
            ),
          },
          {
            path: 'security',
            element: (
              <RequirePermission permission="security.manage">
                <SecurityPage />
              </RequirePermission>
            ),
          },
          { path: 'change-password', element: <ChangePasswordPage /> },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);
