-- The password and lockout policy the security admin sets on the desk (三权分立), over the deployment's
-- defaults (REDGRID_PASSWORD_MIN_LENGTH, _MIN_CLASSES, REDGRID_LOCKOUT_ATTEMPTS, _MINUTES). One row or
-- none: without it the defaults hold. System-wide, owned by no area. Changes are audit rows.
CREATE TABLE security_policy (
  id                   smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  password_min_length  integer NOT NULL CHECK (password_min_length BETWEEN 8 AND 64),
  password_min_classes integer NOT NULL CHECK (password_min_classes BETWEEN 1 AND 4),
  lockout_attempts     integer NOT NULL CHECK (lockout_attempts BETWEEN 1 AND 100),
  lockout_minutes      integer NOT NULL CHECK (lockout_minutes BETWEEN 1 AND 1440),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  updated_by           bigint REFERENCES users (id)
);
