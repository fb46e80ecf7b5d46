/**
 * A JSON Schema (draft 2020-12) validator for exactly the keywords the published agent schema uses.
 * Any other keyword throws, so the schema can never rely on something this validator ignores.
 */
type Schema = Record<string, unknown> | boolean;

const ANNOTATIONS = new Set(["$schema", "$id", "title", "description", "$defs"]);
const KEYWORDS = new Set([
  "$ref",
  "type",
  "const",
  "enum",
  "properties",
  "required",
  "additionalProperties",
  "items",
  "minItems",
  "maxItems",
  "minimum",
  "minLength",
  "maxLength",
  "pattern",
  "format",
  "allOf",
  "anyOf",
  "oneOf",
]);

export function validateJsonSchema(root: Schema, value: unknown): string[] {
  const errors: string[] = [];
  check(root, root, value, "$", errors);
  return errors;
}

function check(root: Schema, schema: Schema, value: unknown, at: string, errors: string[]): void {
  if (schema === true) return;
  if (schema === false) {
    errors.push(`${at}: not allowed`);
    return;
  }
  for (const key of Object.keys(schema)) {
    if (!ANNOTATIONS.has(key) && !KEYWORDS.has(key)) throw new Error(`unsupported keyword ${key} at ${at}`);
  }
  if (typeof schema.$ref === "string") check(root, resolve(root, schema.$ref), value, at, errors);
  if (schema.type !== undefined) {
    const types = ([] as unknown[]).concat(schema.type);
    if (!types.some((type) => hasType(value, type as string))) {
      errors.push(`${at}: expected ${types.join("|")}, got ${JSON.stringify(value)}`);
      return;
    }
  }
  if ("const" in schema && JSON.stringify(schema.const) !== JSON.stringify(value)) {
    errors.push(`${at}: expected ${JSON.stringify(schema.const)}`);
  }
  if (
    Array.isArray(schema.enum) &&
    !schema.enum.some((item) => JSON.stringify(item) === JSON.stringify(value))
  ) {
    errors.push(`${at}: ${JSON.stringify(value)} not one of ${JSON.stringify(schema.enum)}`);
  }
  checkString(schema, value, at, errors);
  checkNumber(schema, value, at, errors);
  checkArray(root, schema, value, at, errors);
  checkObject(root, schema, value, at, errors);
  checkCombinators(root, schema, value, at, errors);
}

function checkString(schema: Record<string, unknown>, value: unknown, at: string, errors: string[]): void {
  if (typeof value !== "string") return;
  const length = [...value].length;
  if (typeof schema.minLength === "number" && length < schema.minLength) errors.push(`${at}: too short`);
  if (typeof schema.maxLength === "number" && length > schema.maxLength) errors.push(`${at}: too long`);
  if (typeof schema.pattern === "string" && !new RegExp(schema.pattern, "u").test(value)) {
    errors.push(`${at}: does not match ${schema.pattern}`);
  }
  if (schema.format === "date-time" && !isDateTime(value)) errors.push(`${at}: not an RFC 3339 date-time`);
}

function checkNumber(schema: Record<string, unknown>, value: unknown, at: string, errors: string[]): void {
  if (typeof value !== "number") return;
  if (typeof schema.minimum === "number" && value < schema.minimum)
    errors.push(`${at}: below ${schema.minimum}`);
}

function checkArray(
  root: Schema,
  schema: Record<string, unknown>,
  value: unknown,
  at: string,
  errors: string[],
) {
  if (!Array.isArray(value)) return;
  if (typeof schema.minItems === "number" && value.length < schema.minItems)
    errors.push(`${at}: too few items`);
  if (typeof schema.maxItems === "number" && value.length > schema.maxItems)
    errors.push(`${at}: too many items`);
  if (schema.items !== undefined) {
    value.forEach((item, index) => {
      check(root, schema.items as Schema, item, `${at}[${index}]`, errors);
    });
  }
}

function checkObject(
  root: Schema,
  schema: Record<string, unknown>,
  value: unknown,
  at: string,
  errors: string[],
) {
  if (!isObject(value)) return;
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  for (const name of (schema.required ?? []) as string[]) {
    if (!(name in value)) errors.push(`${at}: missing ${name}`);
  }
  for (const [name, item] of Object.entries(value)) {
    if (properties[name] !== undefined) check(root, properties[name], item, `${at}.${name}`, errors);
    else if (schema.additionalProperties !== undefined) {
      check(root, schema.additionalProperties as Schema, item, `${at}.${name}`, errors);
    }
  }
}

function checkCombinators(
  root: Schema,
  schema: Record<string, unknown>,
  value: unknown,
  at: string,
  errors: string[],
) {
  for (const sub of (schema.allOf ?? []) as Schema[]) check(root, sub, value, at, errors);
  if (Array.isArray(schema.anyOf)) {
    const passing = schema.anyOf.filter((sub) => validateAt(root, sub as Schema, value, at).length === 0);
    if (passing.length === 0) errors.push(`${at}: matches none of anyOf`);
  }
  if (Array.isArray(schema.oneOf)) {
    const results = schema.oneOf.map((sub) => validateAt(root, sub as Schema, value, at));
    const passing = results.filter((result) => result.length === 0).length;
    if (passing !== 1) {
      errors.push(`${at}: matches ${passing} of oneOf (need exactly 1)`, ...results.flat().slice(0, 10));
    }
  }
}

function validateAt(root: Schema, schema: Schema, value: unknown, at: string): string[] {
  const errors: string[] = [];
  check(root, schema, value, at, errors);
  return errors;
}

function resolve(root: Schema, ref: string): Schema {
  if (!ref.startsWith("#/")) throw new Error(`only local $ref is supported: ${ref}`);
  let node: unknown = root;
  for (const part of ref.slice(2).split("/")) node = (node as Record<string, unknown>)[part];
  if (node === undefined) throw new Error(`unresolved $ref ${ref}`);
  return node as Schema;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case "null":
      return value === null;
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number";
    case "array":
      return Array.isArray(value);
    case "object":
      return isObject(value);
    default:
      return typeof value === type;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isDateTime(value: string): boolean {
  return (
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(value) &&
    !Number.isNaN(Date.parse(value))
  );
}
