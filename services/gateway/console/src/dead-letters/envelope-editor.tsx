import { useId } from 'react';

export interface EnvelopeEditorProps {
  value: string;
  invalid: string | null;
  onChange: (value: string) => void;
}

/** The repaired envelope as editable JSON; a JSON error stays next to the text it is about. */
export function EnvelopeEditor({ value, invalid, onChange }: EnvelopeEditorProps) {
  const id = useId();
  const errorId = `${id}-error`;
  return (
    <div className="field envelope-editor">
      <label htmlFor={id}>Repaired envelope</label>
      <textarea
        id={id}
        className="json envelope-text"
        value={value}
        spellCheck={false}
        rows={14}
        aria-invalid={invalid ? true : undefined}
        aria-describedby={invalid ? errorId : undefined}
        onChange={(event) => onChange(event.target.value)}
      />
      {invalid && (
        <p id={errorId} role="alert" className="error-text">
          {invalid}
        </p>
      )}
    </div>
  );
}
