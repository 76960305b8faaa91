/**
 * Building blocks of the config schema shared by its sections: ids, points, ports and the strict,
 * defaulted section. `additionalProperties: false` everywhere so a typo is an error, not an ignored key.
 */
import { Type as T, type TSchema } from '@sinclair/typebox';

export const Id = (description: string) =>
  T.String({
    description,
    pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$',
    minLength: 1,
    maxLength: 64,
  });

export const Strict = { additionalProperties: false } as const;

export function Section<P extends Record<string, TSchema>>(description: string, properties: P) {
  return T.Object(properties, { ...Strict, description, default: {} });
}

export const Point = T.Tuple([T.Number({ minimum: -1e4, maximum: 1e4 }), T.Number({ minimum: -1e4, maximum: 1e4 })], {
  description: '[x, y] in floor metres; x to the right, y up',
});

export const Port = (description: string, fallback: number) =>
  T.Integer({
    description: `${description} (0 picks a free port)`,
    minimum: 0,
    maximum: 65535,
    default: fallback,
  });
