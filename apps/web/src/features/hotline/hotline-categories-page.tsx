import { ArrowLeftOutlined } from '@ant-design/icons';
import type { HotlineCategoryMap } from '@redgrid/contracts';
import { Alert, App, Button, Form, Input, Popconfirm, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { formatDateTime } from '../../shared/format/format';
import { useLanguage } from '../../shared/i18n/use-language';
import { useCategoryMap, useDeleteCategoryMap, useSaveCategoryMap, useItemOptions } from './hotline.api';

type Entry = HotlineCategoryMap['items'][number];

/** 12345 分类对应 /cases/hotline/categories: the district's map of 12345 category paths to its items; its admins edit it. */
export function HotlineCategoriesPage() {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const { message } = App.useApp();
  const describe = useDescribeError();
  const map = useCategoryMap();
  const catalogue = useItemOptions();
  const save = useSaveCategoryMap();
  const remove = useDeleteCategoryMap();
  const [form] = Form.useForm<{ categoryPath: string; itemCode: string }>();
  const [error, setError] = useState<string | null>(null);
  const items = catalogue.options;
  const editable = map.data?.editable ?? false;
  const district = map.data?.district ?? null;

  const submit = async (v: { categoryPath: string; itemCode: string }) => {
    if (!district) return;
    setError(null);
    try {
      await save.mutateAsync({ areaId: district.id, categoryPath: v.categoryPath, itemCode: v.itemCode });
      void message.success(t('hotline.map.saved'));
      form.resetFields();
    } catch (err) {
      setError(describe(err));
    }
  };

  const columns = [
    { title: t('hotline.map.path'), dataIndex: 'categoryPath', key: 'path' },
    { title: t('hotline.map.item'), key: 'item', render: (e: Entry) => `${e.itemName ?? '—'}（${e.itemCode}）` },
    { title: t('hotline.map.definedBy'), dataIndex: 'areaName', key: 'area' },
    { title: t('hotline.map.updatedAt'), key: 'at', render: (e: Entry) => formatDateTime(e.updatedAt, language) },
    ...(editable
      ? [
          {
            title: '',
            key: 'op',
            render: (e: Entry) => (
              <Popconfirm title={t('hotline.map.removeConfirm')} onConfirm={() => remove.mutateAsync(e.id).catch((err: unknown) => setError(describe(err)))}>
                <Button size="small" danger>
                  {t('hotline.map.remove')}
                </Button>
              </Popconfirm>
            ),
          },
        ]
      : []),
  ];

  return (
    <div data-testid="hotline-categories">
      <Space style={{ marginBottom: 8 }}>
        <Link to="/cases/hotline">
          <Button icon={<ArrowLeftOutlined />} type="text" />
        </Link>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('hotline.map.title')}
          {district ? <Typography.Text type="secondary" style={{ fontSize: 16, marginLeft: 8 }}>{district.name}</Typography.Text> : null}
        </Typography.Title>
      </Space>
      <Typography.Paragraph type="secondary">{t('hotline.map.intro')}</Typography.Paragraph>
      {!editable && map.data ? <Alert type="info" showIcon message={t('hotline.map.readOnly')} style={{ marginBottom: 12 }} /> : null}
      {error ? <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} /> : null}
      {map.error ? <Alert type="error" showIcon message={describe(map.error)} style={{ marginBottom: 12 }} /> : null}
      {editable ? (
        <Form form={form} layout="inline" onFinish={(v) => void submit(v)} style={{ marginBottom: 16, rowGap: 8 }}>
          <Form.Item name="categoryPath" rules={[{ required: true }]}>
            <Input placeholder={t('hotline.map.pathHint')} style={{ width: 320 }} data-testid="hotline-map-path" />
          </Form.Item>
          <Form.Item name="itemCode" rules={[{ required: true }]}>
            <Select showSearch options={items} optionFilterProp="label" placeholder={t('hotline.map.item')} style={{ width: 280 }} data-testid="hotline-map-item" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={save.isPending}>
            {t('hotline.map.add')}
          </Button>
        </Form>
      ) : null}
      <Table<Entry> rowKey="id" size="small" loading={map.isLoading} dataSource={map.data?.items ?? []} columns={columns} pagination={false} locale={{ emptyText: t('hotline.map.empty') }} />
    </div>
  );
}
