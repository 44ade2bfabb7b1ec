import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import type { Role } from '@redgrid/contracts';
import { Button, Form, Select, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { AreaTreeSelect } from '../areas/area-tree-select';
import { useMe } from '../auth/auth.api';
import { DepartmentSelect } from '../departments/department-select';

/**
 * Rows of (role, area) for a form field named `roles`. Only roles the signed-in user may grant are
 * offered; roles already held but not grantable stay visible (and locked) so they read correctly.
 */
export function RoleAssignmentsField({ held = [] }: { held?: readonly Role[] }) {
  const { t } = useTranslation();
  const me = useMe();
  const assignable = new Set<Role>(me.assignableRoles);
  const options = [
    ...me.assignableRoles.map((role) => ({ value: role, label: t(`roles.${role}`) })),
    ...[...new Set(held)].filter((role) => !assignable.has(role)).map((role) => ({ value: role, label: t(`roles.${role}`), disabled: true })),
  ];

  return (
    <Form.List name="roles">
      {(fields, { add, remove }, { errors }) => (
        <>
          {fields.length === 0 ? (
            <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
              {t('users.noRoles')}
            </Typography.Paragraph>
          ) : null}
          {fields.map((field) => (
            <div key={field.key} style={{ display: 'flex', flexWrap: 'wrap', gap: 8, alignItems: 'flex-start' }}>
              <Form.Item
                name={[field.name, 'role']}
                rules={[{ required: true, message: t('users.roleRequired') }]}
                style={{ flex: '1 1 140px', marginBottom: 12 }}
              >
                <Select options={options} placeholder={t('users.roles')} aria-label={t('users.roles')} />
              </Form.Item>
              <Form.Item
                name={[field.name, 'areaId']}
                rules={[{ required: true, message: t('users.areaRequired') }]}
                style={{ flex: '2 1 180px', marginBottom: 12, minWidth: 0 }}
              >
                <AreaTreeSelect allowClear={false} placeholder={t('users.homeArea')} style={{ width: '100%' }} />
              </Form.Item>
              {/* 部门报到: a dept_staff assignment names its department. */}
              <Form.Item noStyle dependencies={[['roles', field.name, 'role']]}>
                {({ getFieldValue }) =>
                  getFieldValue(['roles', field.name, 'role']) === 'dept_staff' ? (
                    <Form.Item
                      name={[field.name, 'departmentId']}
                      rules={[{ required: true, message: t('departments.departmentRequired') }]}
                      style={{ flex: '2 1 180px', marginBottom: 12, minWidth: 0 }}
                    >
                      <DepartmentSelect />
                    </Form.Item>
                  ) : null
                }
              </Form.Item>
              <Button icon={<DeleteOutlined />} onClick={() => remove(field.name)} aria-label={t('users.removeRole')} />
            </div>
          ))}
          <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({})} block disabled={me.assignableRoles.length === 0}>
            {t('users.addRole')}
          </Button>
          <Form.ErrorList errors={errors} />
          <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 8, marginBottom: 0 }}>
            {t('users.rolesHint')}
          </Typography.Paragraph>
        </>
      )}
    </Form.List>
  );
}
