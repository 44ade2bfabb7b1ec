import {
  dateOnlySchema,
  ID_TYPES,
  MARITAL_STATUSES,
  POLITICAL_STATUSES,
  POPULATION_TYPES,
  RELATIONS_TO_HEAD,
  RESIDENCE_STATUSES,
  SEXES,
  type CreatePerson,
  type PersonDetail,
  type UpdatePerson,
} from '@redgrid/contracts';
import { App, Button, Col, Drawer, Form, Input, Row, Select, Space, Switch } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { schemaRule } from '../../shared/forms/form-rules';
import { useSubmitError } from '../../shared/forms/use-submit-error';
import { AreaTreeSelect } from '../areas/area-tree-select';
import { useCreatePerson, useUpdatePerson } from './basedata.api';

interface PersonFormValues {
  name: string;
  formerName?: string;
  idType: PersonDetail['idType'];
  idNumber?: string;
  birthDate?: string;
  sex?: PersonDetail['sex'];
  ethnicity?: string;
  politicalStatus?: PersonDetail['politicalStatus'];
  education?: string;
  occupation?: string;
  workUnit?: string;
  maritalStatus?: PersonDetail['maritalStatus'];
  phone?: string;
  populationType: PersonDetail['populationType'];
  residenceStatus: PersonDetail['residenceStatus'];
  relationToHead?: string;
  registrationRegion?: string;
  registrationAddress?: string;
  currentAddress?: string;
  movedOutOn?: string;
  deceased?: boolean;
  areaId?: number;
}

const FIELDS = [
  'name', 'formerName', 'idType', 'idNumber', 'birthDate', 'sex', 'ethnicity', 'politicalStatus', 'education', 'occupation', 'workUnit',
  'maritalStatus', 'phone', 'populationType', 'residenceStatus', 'relationToHead', 'registrationRegion', 'registrationAddress',
  'currentAddress', 'movedOutOn', 'deceased', 'areaId', 'householdId',
] as const;

const blank = (v: string | undefined) => (v === undefined || v.trim() === '' ? null : v.trim());

function PersonFields({ editing }: { editing: PersonDetail | null }) {
  const { t } = useTranslation();
  const half = { xs: 24, sm: 12 };
  const option = <K extends string>(prefix: string, values: readonly K[]) =>
    values.map((v) => ({ value: v, label: t(`basedata.${prefix}.${v}` as 'basedata.sex.male') }));
  return (
    <Row gutter={12}>
      <Col {...half}>
        <Form.Item name="name" label={t('basedata.person.name')} rules={[{ required: true, whitespace: true, message: t('basedata.person.name') }]}>
          <Input maxLength={50} />
        </Form.Item>
      </Col>
      <Col {...half}>
        <Form.Item name="formerName" label={t('basedata.person.formerName')}>
          <Input maxLength={50} />
        </Form.Item>
      </Col>
      <Col {...half}>
        <Form.Item name="idType" label={t('basedata.person.idType')}>
          <Select options={option('idType', ID_TYPES)} />
        </Form.Item>
      </Col>
      <Col {...half}>
        <Form.Item
          name="idNumber"
          label={t('basedata.person.idNumber')}
          extra={editing?.idMasked ? t('basedata.person.keepProtected', { masked: editing.idMasked }) : t('basedata.person.idNumberHint')}
        >
          <Input maxLength={40} className="rg-mono" autoComplete="off" />
        </Form.Item>
      </Col>
      <Col {...half}>
        <Form.Item name="phone" label={t('basedata.person.phone')} extra={editing?.phoneMasked ? t('basedata.person.keepProtected', { masked: editing.phoneMasked }) : undefined}>
          <Input maxLength={30} inputMode="tel" autoComplete="off" />
        </Form.Item>
      </Col>
      <Col {...half}>
        <Form.Item name="birthDate" label={t('basedata.person.birthDate')} rules={[schemaRule(dateOnlySchema)]}>
          <Input type="date" />
        </Form.Item>
      </Col>
      <Col {...half}>
        <Form.Item name="sex" label={t('basedata.person.sex')}>
          <Select allowClear options={option('sex', SEXES)} />
        </Form.Item>
      </Col>
      <Col {...half}>
        <Form.Item name="ethnicity" label={t('basedata.person.ethnicity')}>
          <Input maxLength={20} />
        </Form.Item>
      </Col>
      <Col {...half}>
        <Form.Item name="populationType" label={t('basedata.people.populationType')}>
          <Select options={option('populationType', POPULATION_TYPES)} />
        </Form.Item>
      </Col>
      <Col {...half}>
        <Form.Item name="residenceStatus" label={t('basedata.people.residenceStatus')}>
          <Select options={option('residenceStatus', RESIDENCE_STATUSES)} />
        </Form.Item>
      </Col>
      <Col {...half}>
        <Form.Item name="relationToHead" label={t('basedata.person.relationToHead')}>
          <Select allowClear options={option('relation', RELATIONS_TO_HEAD)} />
        </Form.Item>
      </Col>
      <Col {...half}>
        <Form.Item name="politicalStatus" label={t('basedata.person.politicalStatus')}>
          <Select allowClear options={option('politicalStatus', POLITICAL_STATUSES)} />
        </Form.Item>
      </Col>
      <Col {...half}>
        <Form.Item name="maritalStatus" label={t('basedata.person.maritalStatus')}>
          <Select allowClear options={option('maritalStatus', MARITAL_STATUSES)} />
        </Form.Item>
      </Col>
      <Col {...half}>
        <Form.Item name="education" label={t('basedata.person.education')}>
          <Input maxLength={20} />
        </Form.Item>
      </Col>
      <Col {...half}>
        <Form.Item name="occupation" label={t('basedata.person.occupation')}>
          <Input maxLength={50} />
        </Form.Item>
      </Col>
      <Col {...half}>
        <Form.Item name="workUnit" label={t('basedata.person.workUnit')}>
          <Input maxLength={100} />
        </Form.Item>
      </Col>
      <Col {...half}>
        <Form.Item name="registrationRegion" label={t('basedata.person.registrationRegion')}>
          <Input maxLength={6} inputMode="numeric" className="rg-mono" />
        </Form.Item>
      </Col>
      <Col span={24}>
        <Form.Item name="registrationAddress" label={t('basedata.person.registrationAddress')}>
          <Input maxLength={200} />
        </Form.Item>
      </Col>
      <Col span={24}>
        <Form.Item name="currentAddress" label={t('basedata.person.currentAddress')}>
          <Input maxLength={200} />
        </Form.Item>
      </Col>
      {editing ? (
        <>
          <Col {...half}>
            <Form.Item name="movedOutOn" label={t('basedata.person.movedOutOn')} rules={[schemaRule(dateOnlySchema)]}>
              <Input type="date" />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name="deceased" label={t('basedata.person.deceased')} valuePropName="checked">
              <Switch />
            </Form.Item>
          </Col>
        </>
      ) : null}
    </Row>
  );
}

/** The shared fields as the contract takes them: empty inputs become null. */
function toInput(v: PersonFormValues) {
  return {
    name: v.name.trim(),
    formerName: blank(v.formerName),
    idType: v.idType,
    birthDate: blank(v.birthDate),
    sex: v.sex ?? null,
    ethnicity: blank(v.ethnicity),
    politicalStatus: v.politicalStatus ?? null,
    education: blank(v.education),
    occupation: blank(v.occupation),
    workUnit: blank(v.workUnit),
    maritalStatus: v.maritalStatus ?? null,
    populationType: v.populationType,
    residenceStatus: v.residenceStatus,
    relationToHead: v.relationToHead ?? null,
    registrationRegion: blank(v.registrationRegion),
    registrationAddress: blank(v.registrationAddress),
    currentAddress: blank(v.currentAddress),
  };
}

export function PersonCreateDrawer({ open, onClose, defaultAreaId, mobile }: { open: boolean; onClose: () => void; defaultAreaId: number | undefined; mobile: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<PersonFormValues>();
  const create = useCreatePerson();
  const onError = useSubmitError(form, FIELDS);

  useEffect(() => {
    if (open) form.setFieldsValue({ idType: 'resident_id', populationType: 'registered', residenceStatus: 'together', areaId: defaultAreaId });
  }, [open, defaultAreaId, form]);

  const submit = (v: PersonFormValues) => {
    const input: CreatePerson = { ...toInput(v), idNumber: blank(v.idNumber), phone: blank(v.phone), ...(v.areaId ? { areaId: v.areaId } : {}) };
    create.mutate(input, {
      onSuccess: (person) => {
        void message.success(t('basedata.person.created'));
        form.resetFields();
        onClose();
        void navigate(`/people/${person.id}`);
      },
      onError,
    });
  };

  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={t('basedata.people.create')}
      size={mobile ? '100%' : 640}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={create.isPending} onClick={() => form.submit()}>
            {t('common.save')}
          </Button>
        </Space>
      }
    >
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item name="areaId" label={t('basedata.person.place')} rules={[{ required: true, message: t('basedata.person.areaRequired') }]}>
          <AreaTreeSelect />
        </Form.Item>
        <PersonFields editing={null} />
      </Form>
    </Drawer>
  );
}

export function PersonEditDrawer({ person, onClose, mobile }: { person: PersonDetail | null; onClose: () => void; mobile: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<PersonFormValues>();
  const update = useUpdatePerson(person?.id ?? 0);
  const onError = useSubmitError(form, FIELDS);

  useEffect(() => {
    if (!person) return;
    form.setFieldsValue({
      name: person.name,
      formerName: person.formerName ?? undefined,
      idType: person.idType,
      birthDate: person.birthDate ?? undefined,
      sex: person.sex ?? undefined,
      ethnicity: person.ethnicity ?? undefined,
      politicalStatus: person.politicalStatus ?? undefined,
      education: person.education ?? undefined,
      occupation: person.occupation ?? undefined,
      workUnit: person.workUnit ?? undefined,
      maritalStatus: person.maritalStatus ?? undefined,
      populationType: person.populationType,
      residenceStatus: person.residenceStatus,
      relationToHead: person.relationToHead ?? undefined,
      registrationRegion: person.registrationRegion ?? undefined,
      registrationAddress: person.registrationAddress ?? undefined,
      currentAddress: person.currentAddress ?? undefined,
      movedOutOn: person.movedOutOn ?? undefined,
      deceased: person.deceased,
    });
  }, [person, form]);

  const submit = (v: PersonFormValues) => {
    // A protected field left empty keeps its value: the form never holds the plain one.
    const patch: UpdatePerson = {
      ...toInput(v),
      movedOutOn: blank(v.movedOutOn),
      deceased: v.deceased ?? false,
      ...(blank(v.idNumber) ? { idNumber: blank(v.idNumber) } : {}),
      ...(blank(v.phone) ? { phone: blank(v.phone) } : {}),
    };
    update.mutate(patch, {
      onSuccess: () => {
        void message.success(t('basedata.person.saved'));
        onClose();
      },
      onError,
    });
  };

  return (
    <Drawer
      open={person !== null}
      onClose={onClose}
      title={t('basedata.person.edit')}
      size={mobile ? '100%' : 640}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={update.isPending} onClick={() => form.submit()}>
            {t('common.save')}
          </Button>
        </Space>
      }
    >
      <Form form={form} layout="vertical" onFinish={submit}>
        <PersonFields editing={person} />
      </Form>
    </Drawer>
  );
}
