import { Transform } from 'class-transformer';
import { ValidateBy, type ValidationArguments } from 'class-validator';

/** Plain decimal digits become a number; anything else (`0x10`, `1e3`, ` 5`) is left for the validator to refuse. */
export const Decimal = () => Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^[0-9]{1,15}$/.test(value) ? Number(value) : value));

/**
 * An integer from `min` to `max`, refused with one message that names the field, says what it is
 * (`what`) and quotes what was sent, rather than one line per broken rule.
 */
export function IsIntegerFrom(min: number, max: number, what: string) {
  return ValidateBy({
    name: 'isIntegerFrom',
    constraints: [min, max],
    validator: {
      validate: (value: unknown) => Number.isInteger(value) && (value as number) >= min && (value as number) <= max,
      defaultMessage: ({ property, value }: ValidationArguments) => `${property} must be ${what}: a decimal integer from ${min} to ${max}, got ${JSON.stringify(String(value)).slice(0, 42)}`,
    },
  });
}
