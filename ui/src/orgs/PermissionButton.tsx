import type { ButtonHTMLAttributes } from 'react';
import type { Permission } from './permissions';
import { usePermission } from './Workspace';

type PermissionButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & { permission: Permission };

/** A button that is disabled, with a tooltip naming the role needed, when the current role may not use it. */
export function PermissionButton({ permission, disabled, title, className = 'button', type = 'button', ...rest }: PermissionButtonProps) {
  const { allowed, reason } = usePermission(permission);
  return (
    <button {...rest} type={type} className={className} disabled={!allowed || disabled} title={reason ?? title} aria-disabled={!allowed || undefined} />
  );
}
