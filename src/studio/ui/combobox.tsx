import { useEffect, useState, type KeyboardEvent } from 'react';

/** One value a combobox offers, with its count as the list words it ("1,204 events"). */
export interface ComboboxOption {
  value: string;
  count: string;
}

/**
 * A text input with a list of known values (the ARIA "editable combobox with
 * list autocomplete" pattern): typing narrows the list, ↓/↑ move in it, Enter
 * takes the value, Escape closes it; a value not in the list is kept as typed.
 * Unlike a native datalist, the list shows each value's count in the studio's
 * own look, and its state is in the DOM (tests and screenshots see it).
 *
 * With `multiple`, the text is a comma-separated list and the picker works on
 * the item being typed (the last one): a choice replaces it and leaves the list
 * open for the next.
 *
 * The label is the caller's (<label htmlFor={id}>), as for any input.
 */
export function Combobox({
  id,
  value,
  onChange,
  options,
  multiple = false,
  placeholder,
  invalid,
  describedBy,
}: {
  id: string;
  value: string;
  onChange(value: string): void;
  options: readonly ComboboxOption[];
  multiple?: boolean;
  placeholder?: string;
  invalid?: boolean;
  describedBy?: string;
}) {
  const [open, setOpen] = useState(false);
  // Whether the text narrows the list: only once typed, so that opening on a chosen value shows all.
  const [narrowing, setNarrowing] = useState(false);
  const [active, setActive] = useState(-1);

  const items = multiple ? value.split(',') : [value];
  const typed = items[items.length - 1].trim().toLowerCase();
  const taken = new Set(items.slice(0, -1).map((item) => item.trim()));
  const shown = options.filter(
    (option) =>
      !taken.has(option.value) && (!narrowing || typed === '' || option.value.toLowerCase().includes(typed)),
  );
  const expanded = open && shown.length > 0;
  const listId = `${id}-listbox`;
  const optionId = (index: number) => `${id}-option-${index}`;

  useEffect(() => {
    if (expanded && active >= 0)
      document.getElementById(optionId(active))?.scrollIntoView({ block: 'nearest' });
  }, [expanded, active]);

  const show = () => {
    setOpen(true);
    setNarrowing(false);
    setActive(-1);
  };
  const close = () => {
    setOpen(false);
    setActive(-1);
  };
  const choose = (option: ComboboxOption) => {
    if (multiple) {
      const kept = items
        .slice(0, -1)
        .map((item) => item.trim())
        .filter(Boolean);
      onChange([...kept, option.value, ''].join(', '));
      setNarrowing(true);
      setActive(-1);
    } else {
      onChange(option.value);
      close();
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        if (!expanded) {
          show();
          if (!event.altKey) setActive(0);
        } else setActive((index) => Math.min(index + 1, shown.length - 1));
        break;
      case 'ArrowUp':
        if (!expanded) break;
        event.preventDefault();
        if (event.altKey) close();
        else setActive((index) => (index <= 0 ? shown.length - 1 : index - 1));
        break;
      case 'Enter':
        if (expanded && active >= 0 && active < shown.length) {
          event.preventDefault();
          choose(shown[active]);
        }
        break;
      case 'Escape':
        if (expanded) {
          event.preventDefault();
          close();
        }
        break;
    }
  };

  return (
    <span className={options.length ? 'combobox' : 'combobox no-options'}>
      <input
        id={id}
        type="text"
        role="combobox"
        autoComplete="off"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-activedescendant={expanded && active >= 0 ? optionId(active) : undefined}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        placeholder={placeholder}
        value={value}
        onChange={(event) => {
          onChange(event.target.value);
          setOpen(true);
          setNarrowing(true);
          setActive(-1);
        }}
        // Opens only: a click in an open list's input places the caret, it does not close the list.
        onClick={() => {
          if (!expanded) show();
        }}
        onKeyDown={onKeyDown}
        onBlur={() => {
          close();
          // A choice leaves ", " for the next item: gone once the field is left.
          if (multiple && /,\s*$/.test(value)) onChange(value.replace(/[,\s]+$/, ''));
        }}
      />
      <ul
        id={listId}
        role="listbox"
        aria-label="Values in the base"
        className="combobox-list"
        hidden={!expanded}
      >
        {expanded &&
          shown.map((option, index) => (
            <li
              key={option.value}
              id={optionId(index)}
              role="option"
              aria-selected={index === active}
              className={index === active ? 'active' : undefined}
              // Keeps the focus in the input, so that the click is not lost to its blur.
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => choose(option)}
            >
              <span className="combobox-value">{option.value}</span>
              <span className="combobox-count">{option.count}</span>
            </li>
          ))}
      </ul>
    </span>
  );
}
