/** Roles that act for an area level on cases (not the department staff, not reporters): the inbox, alerts, routing. */
export const AREA_STAFF_ROLES = ['area_admin', 'grid_leader', 'grid_worker'] as const;

export const AREA_STAFF: ReadonlySet<string> = new Set(AREA_STAFF_ROLES);
