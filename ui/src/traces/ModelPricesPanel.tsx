import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { apiFetch, apiSend, fieldErrors } from '../app/api';
import { Field } from '../app/Field';
import { FormError } from '../app/FormError';
import { Panel } from '../app/Panel';
import { QueryFallback, Table } from '../app/Table';
import { useToast } from '../app/Toasts';
import { PermissionButton } from '../orgs/PermissionButton';
import { usePermission, useWorkspace } from '../orgs/Workspace';

interface ModelPrice {
  id: string;
  scope: 'organization' | 'default';
  modelPattern: string;
  inputPricePerMillion: number;
  outputPricePerMillion: number;
}

interface PriceDraft {
  modelPattern: string;
  inputPricePerMillion: string;
  outputPricePerMillion: string;
}

const pricesPath = (organizationId: string) => `/api/dashboard/orgs/${organizationId}/model-prices`;
const pricesKey = (organizationId: string) => ['orgs', organizationId, 'model-prices'] as const;
const emptyDraft: PriceDraft = { modelPattern: '', inputPricePerMillion: '', outputPricePerMillion: '' };

/** Settings › Projects: what tokens cost per model, for spans sent with tokens but no cost. */
export function ModelPricesPanel() {
  const { organization } = useWorkspace();
  if (!organization) return null;
  return (
    <Panel
      title="Model prices"
      description="USD per million tokens, used for the cost of spans that arrive with token counts but no cost, in every project of the organization. Your prices override the instance defaults; a pattern may end in * (claude-3-5-*)."
      testId="model-prices"
    >
      <ModelPrices organizationId={organization.id} />
    </Panel>
  );
}

function ModelPrices({ organizationId }: { organizationId: string }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const { allowed } = usePermission('org.manage');
  const [draft, setDraft] = useState<PriceDraft>(emptyDraft);
  const [editing, setEditing] = useState<string | null>(null);
  const [defaultFilter, setDefaultFilter] = useState('');
  const prices = useQuery({ queryKey: pricesKey(organizationId), queryFn: () => apiFetch<{ prices: ModelPrice[] }>(pricesPath(organizationId)) });
  const refresh = () => queryClient.invalidateQueries({ queryKey: pricesKey(organizationId) });
  const save = useMutation({
    mutationFn: ({ id, price }: { id: string | null; price: PriceDraft }) => {
      const body = { modelPattern: price.modelPattern, inputPricePerMillion: Number(price.inputPricePerMillion), outputPricePerMillion: Number(price.outputPricePerMillion) };
      return id ? apiSend('PATCH', `${pricesPath(organizationId)}/${id}`, body) : apiSend('POST', pricesPath(organizationId), body);
    },
    onSuccess: async (_, { price }) => {
      await refresh();
      toast.success(`Saved the price of ${price.modelPattern.trim()}`);
      setDraft(emptyDraft);
      setEditing(null);
    },
  });
  const remove = useMutation({
    mutationFn: (price: ModelPrice) => apiSend('DELETE', `${pricesPath(organizationId)}/${price.id}`),
    onSuccess: async (_, price) => {
      await refresh();
      toast.success(`Removed the price of ${price.modelPattern}`);
    },
  });
  if (!prices.isSuccess) return <QueryFallback query={prices} what="model prices" />;

  function edit(price: ModelPrice) {
    setEditing(price.scope === 'organization' ? price.id : null);
    setDraft({ modelPattern: price.modelPattern, inputPricePerMillion: String(price.inputPricePerMillion), outputPricePerMillion: String(price.outputPricePerMillion) });
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate({ id: editing, price: draft });
  }

  const errors = fieldErrors(save.error);
  const own = prices.data.prices.filter((price) => price.scope === 'organization');
  const defaults = prices.data.prices.filter((price) => price.scope === 'default');
  const shownDefaults = defaults.filter((price) => price.modelPattern.toLowerCase().includes(defaultFilter.trim().toLowerCase()));
  return (
    <>
      {own.length === 0 ? (
        <p className="muted" data-testid="model-prices-empty">
          The organization has no prices of its own{defaults.length > 0 ? ': the instance defaults below apply.' : ', and the instance has none: spans sent without a cost keep none.'}
        </p>
      ) : (
        <PriceTable prices={own} testId="model-prices-table" rowTestId="model-price-row">
          {(price) => (
            <>
              <PermissionButton permission="org.manage" className="button button--ghost button--small" onClick={() => edit(price)} data-testid="edit-model-price">
                Edit
              </PermissionButton>
              <PermissionButton permission="org.manage" className="button button--danger-ghost button--small" disabled={remove.isPending} onClick={() => remove.mutate(price)} data-testid="delete-model-price">
                Remove
              </PermissionButton>
            </>
          )}
        </PriceTable>
      )}
      {defaults.length > 0 && (
        <details className="default-prices" data-testid="default-prices">
          <summary>
            Instance defaults ({defaults.length}): list prices of common hosted models; override one to set your own
          </summary>
          <input
            className="input input--search"
            type="search"
            placeholder="Filter models"
            aria-label="Filter the default prices"
            value={defaultFilter}
            onChange={(event) => setDefaultFilter(event.target.value)}
            data-testid="default-prices-filter"
          />
          {shownDefaults.length === 0 ? (
            <p className="muted">No default price matches “{defaultFilter.trim()}”.</p>
          ) : (
            <PriceTable prices={shownDefaults} testId="default-prices-table" rowTestId="default-price-row">
              {(price) => (
                <PermissionButton permission="org.manage" className="button button--ghost button--small" onClick={() => edit(price)} data-testid="override-model-price">
                  Override
                </PermissionButton>
              )}
            </PriceTable>
          )}
        </details>
      )}
      {allowed && (
        <form className="inline-form" onSubmit={submit} noValidate data-testid="model-price-form">
          <Field label="Model or pattern" error={errors.modelPattern}>
            <input className="input" value={draft.modelPattern} placeholder="gpt-4o-mini" onChange={(event) => setDraft({ ...draft, modelPattern: event.target.value })} data-testid="model-price-pattern" />
          </Field>
          <Field label="Input $ / 1M" error={errors.inputPricePerMillion}>
            <input className="input" type="number" min={0} step="any" value={draft.inputPricePerMillion} onChange={(event) => setDraft({ ...draft, inputPricePerMillion: event.target.value })} data-testid="model-price-input" />
          </Field>
          <Field label="Output $ / 1M" error={errors.outputPricePerMillion}>
            <input className="input" type="number" min={0} step="any" value={draft.outputPricePerMillion} onChange={(event) => setDraft({ ...draft, outputPricePerMillion: event.target.value })} data-testid="model-price-output" />
          </Field>
          <button type="submit" className="button" disabled={save.isPending} data-testid="model-price-save">
            {editing ? 'Save' : 'Add price'}
          </button>
          {(editing || draft.modelPattern) && (
            <button type="button" className="button button--ghost" onClick={() => { setEditing(null); setDraft(emptyDraft); }}>
              Cancel
            </button>
          )}
        </form>
      )}
      <FormError error={save.error ?? remove.error} fields={['modelPattern', 'inputPricePerMillion', 'outputPricePerMillion']} />
    </>
  );
}

/** Prices as a table, each row with the actions `children` renders for it. */
function PriceTable({ prices, testId, rowTestId, children }: { prices: ModelPrice[]; testId: string; rowTestId: string; children: (price: ModelPrice) => ReactNode }) {
  return (
    <Table columns={['Model', 'Input / 1M', 'Output / 1M', '']} dense testId={testId}>
      {prices.map((price) => (
        <tr key={price.id} data-testid={rowTestId}>
          <td>
            <code>{price.modelPattern}</code>
          </td>
          <td className="numeric">${price.inputPricePerMillion}</td>
          <td className="numeric">${price.outputPricePerMillion}</td>
          <td className="cell-actions">{children(price)}</td>
        </tr>
      ))}
    </Table>
  );
}
