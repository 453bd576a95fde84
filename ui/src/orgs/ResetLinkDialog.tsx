import { useMutation } from '@tanstack/react-query';
import { apiSend } from '../app/api';
import { CopyField } from '../app/CopyField';
import { Dialog, DialogActions } from '../app/Dialog';
import { displayNameOf, formatDateTime } from '../app/format';
import { FormError } from '../app/FormError';
import { orgPath, type Member } from './api';

/** Issues a one-time password reset link and shows it to pass on (there is no mail server). */
export function ResetLinkDialog({ organizationId, member, onClose }: { organizationId: string; member: Member; onClose: () => void }) {
  const issue = useMutation({
    mutationFn: () => apiSend<{ url: string; expiresAt: string }>('POST', `${orgPath(organizationId)}/members/${member.userId}/reset-link`),
  });

  return (
    <Dialog open onClose={onClose} title={`Reset the password of ${displayNameOf(member)}`} wide testId="reset-link-dialog">
      {issue.isSuccess ? (
        <div className="dialog-body">
          <p>
            Send this link to <strong>{member.email}</strong> yourself. It works once, until {formatDateTime(issue.data.expiresAt)}.
          </p>
          <CopyField label="Reset link" value={issue.data.url} testId="reset-link-url" />
        </div>
      ) : (
        <div className="dialog-body">
          <p>
            ForPrompt sends no email, so you get a one-time link to pass on. With it, {member.email} chooses a new password; every
            session of theirs is signed out.
          </p>
          <FormError error={issue.error} />
        </div>
      )}
      <DialogActions>
        {issue.isSuccess ? (
          <button type="button" className="button" onClick={onClose}>
            Done
          </button>
        ) : (
          <>
            <button type="button" className="button button--ghost" onClick={onClose}>
              Cancel
            </button>
            <button type="button" className="button" onClick={() => issue.mutate()} disabled={issue.isPending} data-testid="reset-link-create">
              {issue.isPending ? 'Creating…' : 'Create link'}
            </button>
          </>
        )}
      </DialogActions>
    </Dialog>
  );
}
