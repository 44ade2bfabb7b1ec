import {
  createUserSchema,
  resetPasswordSchema,
  updateUserSchema,
  usernameSchema,
  cnMobileSchema,
  type Role,
  type RoleAssignmentInput,
  type UpdateUser,
  type UserView,
} from '@redgrid/contracts';
import { Alert, App, Button, Checkbox, Drawer, Form, Input, Modal, Space } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { passwordRule, schemaRule } from '../../shared/forms/form-rules';
import { useSubmitError } from '../../shared/forms/use-submit-error';
import { AreaTreeSelect } from '../areas/area-tree-select';
import { useMeta } from '../auth/auth.api';
import { RoleAssignmentsField } from './role-assignments-field';
import { useCreateUser, useResetPassword, useSetUserRoles, useUpdateUser } from './users.api';

/** Form rows may be half-filled; keep only complete (role, area) pairs. */
function completeRoles(rows: readonly Partial<RoleAssignmentInput>[] | undefined): RoleAssignmentInput[] {
  return (rows ?? []).flatMap((row) =>
    row.role && typeof row.areaId === 'number' ? [{ role: row.role, areaId: row.areaId, ...(row.role === 'dept_staff' && typeof row.departmentId === 'number' ? { departmentId: row.departmentId } : {}) }] : [],
  );
}

function ConfirmPasswordItem({ name, against, label }: { name: string; against: string; label: string }) {
  const { t } = useTranslation();
  return (
    <Form.Item
      name={name}
      label={label}
      dependencies={[against]}
      rules={[
        { required: true, message: t('auth.passwordRequired') },
        ({ getFieldValue }) => ({
          validator: async (_rule, value) => {
            if (value && value !== getFieldValue(against)) throw new Error(t('auth.passwordMismatch'));
          },
        }),
      ]}
    >
      <Input.Password autoComplete="new-password" />
    </Form.Item>
  );
}

interface CreateValues {
  username: string;
  displayName: string;
  password: string;
  confirmPassword: string;
  phone?: string;
  homeAreaId?: number;
  roles?: Partial<RoleAssignmentInput>[];
}

const CREATE_FIELDS = ['username', 'displayName', 'password', 'confirmPassword', 'phone', 'homeAreaId', 'roles'] as const;

export function CreateUserDrawer({ open, onClose, defaultAreaId, mobile }: { open: boolean; onClose: () => void; defaultAreaId: number | undefined; mobile: boolean }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<CreateValues>();
  const create = useCreateUser();
  const meta = useMeta();
  const onError = useSubmitError(form, CREATE_FIELDS);
  const { message } = App.useApp();
  const shape = createUserSchema.shape;

  useEffect(() => {
    if (open) {
      form.resetFields();
      if (defaultAreaId !== undefined) form.setFieldValue('homeAreaId', defaultAreaId);
    }
  }, [open, defaultAreaId, form]);

  const submit = (values: CreateValues) => {
    if (values.homeAreaId === undefined) return;
    create.mutate(
      {
        username: values.username.trim(),
        displayName: values.displayName.trim(),
        password: values.password,
        phone: values.phone?.trim() ? values.phone.trim() : null,
        homeAreaId: values.homeAreaId,
        roles: completeRoles(values.roles),
      },
      {
        onError,
        onSuccess: () => {
          void message.success(t('users.created'));
          onClose();
        },
      },
    );
  };

  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={t('users.create')}
      size={mobile ? '100%' : 560}
      destroyOnHidden
      footer={
        <Space style={{ justifyContent: 'flex-end', width: '100%' }}>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={create.isPending} onClick={() => form.submit()}>
            {t('common.save')}
          </Button>
        </Space>
      }
    >
      <Form form={form} layout="vertical" onFinish={submit} requiredMark initialValues={{ roles: [] }}>
        <Form.Item name="username" label={t('users.username')} rules={[{ required: true, message: t('auth.usernameRequired') }, schemaRule(usernameSchema)]}>
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item name="displayName" label={t('users.displayName')} rules={[{ required: true, whitespace: true, message: t('users.displayNameRequired') }, schemaRule(shape.displayName)]}>
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="password"
          label={t('users.password')}
          dependencies={['username']}
          extra={meta.data ? t('auth.passwordPolicy', meta.data.passwordPolicy) : null}
          rules={[
            { required: true, message: t('auth.passwordRequired') },
            schemaRule(shape.password),
            passwordRule(meta.data?.passwordPolicy, () => form.getFieldValue('username')),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <ConfirmPasswordItem name="confirmPassword" against="password" label={t('users.passwordConfirm')} />
        <Form.Item name="phone" label={t('users.phone')} rules={[schemaRule(cnMobileSchema)]}>
          <Input inputMode="numeric" maxLength={11} autoComplete="off" />
        </Form.Item>
        <Form.Item name="homeAreaId" label={t('users.homeArea')} rules={[{ required: true, message: t('users.areaRequired') }]}>
          <AreaTreeSelect allowClear={false} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item label={t('users.roles')} required={false}>
          <RoleAssignmentsField />
        </Form.Item>
      </Form>
    </Drawer>
  );
}

interface EditValues {
  displayName: string;
  phone?: string;
  clearPhone?: boolean;
  homeAreaId: number;
}

const EDIT_FIELDS = ['displayName', 'phone', 'homeAreaId'] as const;

export function EditUserDrawer({ user, onClose, mobile }: { user: UserView | null; onClose: () => void; mobile: boolean }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<EditValues>();
  const update = useUpdateUser();
  const onError = useSubmitError(form, EDIT_FIELDS);
  const { message } = App.useApp();
  const clearPhone = Form.useWatch('clearPhone', form);
  const shape = updateUserSchema.shape;

  useEffect(() => {
    if (user) form.setFieldsValue({ displayName: user.displayName, phone: '', clearPhone: false, homeAreaId: user.homeAreaId });
  }, [user, form]);

  const submit = (values: EditValues) => {
    if (!user) return;
    const patch: UpdateUser = {};
    if (values.displayName.trim() !== user.displayName) patch.displayName = values.displayName.trim();
    if (values.clearPhone) patch.phone = null;
    else if (values.phone?.trim()) patch.phone = values.phone.trim();
    if (values.homeAreaId !== user.homeAreaId) patch.homeAreaId = values.homeAreaId;
    if (Object.keys(patch).length === 0) {
      onClose();
      return;
    }
    update.mutate(
      { id: user.id, patch },
      {
        onError,
        onSuccess: () => {
          void message.success(t('users.saved'));
          onClose();
        },
      },
    );
  };

  return (
    <Drawer
      open={user !== null}
      onClose={onClose}
      title={user ? `${t('users.edit')} · ${user.displayName}` : t('users.edit')}
      size={mobile ? '100%' : 480}
      footer={
        <Space style={{ justifyContent: 'flex-end', width: '100%' }}>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={update.isPending} onClick={() => form.submit()}>
            {t('common.save')}
          </Button>
        </Space>
      }
    >
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item label={t('users.username')}>
          <Input value={user?.username} disabled />
        </Form.Item>
        <Form.Item name="displayName" label={t('users.displayName')} rules={[{ required: true, whitespace: true, message: t('users.displayNameRequired') }, schemaRule(shape.displayName)]}>
          <Input />
        </Form.Item>
        <Form.Item
          name="phone"
          label={t('users.phoneNew')}
          rules={[schemaRule(cnMobileSchema)]}
          extra={user?.phoneMasked ? t('users.phoneKeep', { masked: user.phoneMasked }) : t('users.noPhone')}
        >
          <Input inputMode="numeric" maxLength={11} disabled={Boolean(clearPhone)} autoComplete="off" />
        </Form.Item>
        {user?.phoneMasked ? (
          <Form.Item name="clearPhone" valuePropName="checked" style={{ marginTop: -8 }}>
            <Checkbox>{t('users.phoneClear')}</Checkbox>
          </Form.Item>
        ) : null}
        <Form.Item name="homeAreaId" label={t('users.homeArea')} rules={[{ required: true, message: t('users.areaRequired') }]}>
          <AreaTreeSelect allowClear={false} style={{ width: '100%' }} />
        </Form.Item>
      </Form>
    </Drawer>
  );
}

export function EditRolesModal({ user, onClose }: { user: UserView | null; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ roles: Partial<RoleAssignmentInput>[] }>();
  const setRoles = useSetUserRoles();
  const onError = useSubmitError(form, ['roles']);
  const { message } = App.useApp();

  useEffect(() => {
    if (user) form.setFieldsValue({ roles: user.roles.map((r) => ({ role: r.role, areaId: r.areaId, departmentId: r.departmentId ?? null })) });
  }, [user, form]);

  const held: Role[] = user ? user.roles.map((r) => r.role) : [];

  return (
    <Modal
      open={user !== null}
      onCancel={onClose}
      title={user ? `${t('users.editRoles')} · ${user.displayName}` : t('users.editRoles')}
      onOk={() => form.submit()}
      okText={t('common.save')}
      confirmLoading={setRoles.isPending}
      width={{ xs: '100%', sm: 640 }}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        onFinish={(values) => {
          if (!user) return;
          setRoles.mutate(
            { id: user.id, roles: completeRoles(values.roles) },
            {
              onError,
              onSuccess: () => {
                void message.success(t('users.rolesSaved'));
                onClose();
              },
            },
          );
        }}
      >
        <RoleAssignmentsField held={held} />
      </Form>
    </Modal>
  );
}

export function ResetPasswordModal({ user, onClose }: { user: UserView | null; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ newPassword: string; confirmPassword: string }>();
  const reset = useResetPassword();
  const meta = useMeta();
  const onError = useSubmitError(form, ['newPassword', 'confirmPassword']);
  const { message } = App.useApp();

  useEffect(() => {
    if (user) form.resetFields();
  }, [user, form]);

  return (
    <Modal
      open={user !== null}
      onCancel={onClose}
      title={user ? `${t('users.resetPassword')} · ${user.displayName}` : t('users.resetPassword')}
      onOk={() => form.submit()}
      okText={t('common.confirm')}
      confirmLoading={reset.isPending}
      destroyOnHidden
    >
      <Alert type="info" showIcon title={t('users.resetPasswordHint')} style={{ marginBottom: 16 }} />
      <Form
        form={form}
        layout="vertical"
        onFinish={(values) => {
          if (!user) return;
          reset.mutate(
            { id: user.id, newPassword: values.newPassword },
            {
              onError,
              onSuccess: () => {
                void message.success(t('users.resetPasswordOk'));
                onClose();
              },
            },
          );
        }}
      >
        <Form.Item
          name="newPassword"
          label={t('auth.newPassword')}
          extra={meta.data ? t('auth.passwordPolicy', meta.data.passwordPolicy) : null}
          rules={[
            { required: true, message: t('auth.passwordRequired') },
            schemaRule(resetPasswordSchema.shape.newPassword),
            passwordRule(meta.data?.passwordPolicy, () => user?.username),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <ConfirmPasswordItem name="confirmPassword" against="newPassword" label={t('auth.confirmPassword')} />
      </Form>
    </Modal>
  );
}
