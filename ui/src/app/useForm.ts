import { useState, type ChangeEvent } from 'react';

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/** A form's values and a `bind(field)` that wires one control to them. */
export function useForm<Values extends Record<string, string>>(initial: Values) {
  const [values, setValues] = useState(initial);
  const bind = (field: keyof Values & string) => ({
    name: field,
    value: values[field],
    onChange: (event: ChangeEvent<Control>) => setValues((current) => ({ ...current, [field]: event.target.value })),
  });
  return { values, bind, setValues };
}
