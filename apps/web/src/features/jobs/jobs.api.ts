import { scheduledJobListSchema } from '@redgrid/contracts';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../shared/api/api-client';

/** The scheduled jobs and their last runs (system admins); refreshed every 30 s while open. */
export function useScheduledJobs() {
  return useQuery({ queryKey: ['system', 'jobs'], queryFn: () => api.get('/api/system/jobs', scheduledJobListSchema), refetchInterval: 30_000, refetchIntervalInBackground: false });
}
