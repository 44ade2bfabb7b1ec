import { CameraOutlined, CloseCircleFilled } from '@ant-design/icons';
import { ATTACHMENT_LIMITS, DEFAULT_MAX_PHOTOS } from '@redgrid/contracts';
import { App, Button, Space } from 'antd';
import { useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { newClientKey } from './case-draft';

/** A photo picked on the device, with the key that makes a re-sent upload the same file. */
export interface PickedPhoto {
  file: File;
  clientKey: string;
}

/**
 * Photos from the camera (a phone opens it directly: capture="environment") or the gallery, shown
 * as small previews; too large or not an image is refused here with the server's own limits.
 */
export function PhotoPicker({ value, onChange, disabled }: { value: PickedPhoto[]; onChange: (next: PickedPhoto[]) => void; disabled?: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const input = useRef<HTMLInputElement>(null);
  const previews = useMemo(() => value.map((p) => URL.createObjectURL(p.file)), [value]);
  useEffect(() => () => previews.forEach((url) => URL.revokeObjectURL(url)), [previews]);

  const picked = (files: FileList | null) => {
    const accepted: PickedPhoto[] = [];
    for (const file of Array.from(files ?? [])) {
      if (!file.type.startsWith('image/') || file.size > ATTACHMENT_LIMITS.photo.maxBytes) {
        void message.error(`${file.name}: JPEG / PNG / WebP ≤ 10 MB`);
        continue;
      }
      accepted.push({ file, clientKey: newClientKey() });
    }
    onChange([...value, ...accepted].slice(0, DEFAULT_MAX_PHOTOS));
    if (input.current) input.current.value = '';
  };

  return (
    <Space wrap size={8}>
      {value.map((p, i) => (
        <span key={p.clientKey} style={{ position: 'relative', display: 'inline-block' }}>
          <img src={previews[i]} alt={p.file.name} style={{ width: 72, height: 72, objectFit: 'cover', borderRadius: 6, border: '1px solid #eee' }} />
          {disabled ? null : (
            <CloseCircleFilled
              role="button"
              aria-label="remove"
              onClick={() => onChange(value.filter((x) => x !== p))}
              style={{ position: 'absolute', top: -6, right: -6, color: '#c00', background: '#fff', borderRadius: 8 }}
            />
          )}
        </span>
      ))}
      {value.length < DEFAULT_MAX_PHOTOS ? (
        <Button icon={<CameraOutlined />} onClick={() => input.current?.click()} disabled={disabled} style={{ height: 72 }}>
          {t('cases.action.addPhoto')}
        </Button>
      ) : null}
      <input ref={input} type="file" accept="image/*" capture="environment" multiple style={{ display: 'none' }} data-testid="photo-input" onChange={(e) => picked(e.target.files)} />
    </Space>
  );
}
