// Local lint rules that hold the server's architecture (docs/ARCHITECTURE.md, "Layering rules").
// They fail the build instead of relying on review: a database import in a service, a deep import
// into another module, raw SQL on an owned table without its scope predicate.
import path from 'node:path';

const SERVER_SRC = `${path.sep}apps${path.sep}server${path.sep}src${path.sep}`;

/** 'area' for …/src/modules/area/tree/x.ts; null outside modules. */
function moduleOf(file) {
  const i = file.indexOf(`${SERVER_SRC}modules${path.sep}`);
  if (i < 0) return null;
  return file.slice(i + SERVER_SRC.length + 'modules/'.length).split(path.sep)[0] ?? null;
}

function resolved(context, source) {
  if (!source.startsWith('.')) return null;
  return path.resolve(path.dirname(context.filename), source);
}

const moduleBoundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'Modules talk through their index.ts; platform never imports a module.' },
    messages: {
      deep: "'{{source}}' reaches inside module '{{target}}': import its front door ('…/modules/{{target}}/index.ts') instead",
      upward: "platform code may not import module '{{target}}': modules build on the platform, not the other way round",
    },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    const from = moduleOf(file);
    const inPlatform = file.includes(`${SERVER_SRC}platform${path.sep}`);
    function check(node) {
      const source = node.source && node.source.value;
      if (typeof source !== 'string') return;
      const target = resolved(context, source);
      if (!target) return;
      const to = moduleOf(target);
      if (!to || to === from) return;
      if (inPlatform) {
        context.report({ node, messageId: 'upward', data: { target: to } });
        return;
      }
      const front = target.endsWith(`${path.sep}modules${path.sep}${to}${path.sep}index.ts`);
      if (!front) context.report({ node, messageId: 'deep', data: { source, target: to } });
    }
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
  },
};

/** Must equal the keys of OWNERS in apps/server/src/platform/data-access.ts (a test holds them together). */
export const OWNED = ['areas', 'area_boundaries', 'area_changes', 'users', 'role_assignments', 'sessions', 'audit_log', 'password_history', 'building_profiles', 'houses', 'rentals', 'rental_inspections', 'households', 'persons', 'person_tags', 'organisations', 'organisation_employees', 'city_components', 'record_history', 'person_duplicates', 'household_visits', 'record_proposals', 'import_jobs', 'attachments', 'affair_categories', 'affair_items', 'departments', 'department_areas', 'notifications', 'notification_deliveries', 'cases', 'case_events', 'case_followers', 'case_duplicate_rules', 'hotline_category_map', 'hotline_orders', 'hotline_replies'];
const OWNED_SQL = new RegExp(`\\b(from|join|update|into)\\s+(${OWNED.join('|')})\\b`, 'i');
const SCOPE_HELPERS = /InScope$|^ownedBy$/;

function callee(expr) {
  if (!expr || expr.type !== 'CallExpression') return null;
  if (expr.callee.type === 'Identifier') return expr.callee.name;
  if (expr.callee.type === 'MemberExpression' && expr.callee.property.type === 'Identifier') return expr.callee.property.name;
  return null;
}

const scopedSql = {
  meta: {
    type: 'problem',
    docs: { description: 'Raw SQL that reads or writes an owned table carries the scope predicate.' },
    messages: {
      unscoped:
        'raw SQL on owned table \'{{table}}\' without a scope predicate: interpolate ownedBy(scope, …) / areaPathInScope / areaIdInScope, or move a query that must cross scope to platform/cross-scope.repository.ts',
    },
    schema: [],
  },
  create(context) {
    return {
      TaggedTemplateExpression(node) {
        const tag = node.tag;
        const isSql = (tag.type === 'Identifier' && tag.name === 'sql') || (tag.type === 'TSInstantiationExpression' && tag.expression.type === 'Identifier' && tag.expression.name === 'sql');
        if (!isSql) return;
        const text = node.quasi.quasis.map((q) => q.value.cooked ?? q.value.raw).join(' ');
        const hit = OWNED_SQL.exec(text);
        if (!hit) return;
        const scoped = node.quasi.expressions.some((e) => SCOPE_HELPERS.test(callee(e) ?? ''));
        if (!scoped) context.report({ node, messageId: 'unscoped', data: { table: hit[2] } });
      },
    };
  },
};

export default { rules: { 'module-boundaries': moduleBoundaries, 'scoped-sql': scopedSql } };
