import type { Type } from '@nestjs/common';
import type { MetadataStorage as TransformerMetadataStorage } from 'class-transformer/types/MetadataStorage';
import { TransformationType } from 'class-transformer';
import { getMetadataStorage, ValidationTypes, type ValidationArguments } from 'class-validator';

/**
 * class-transformer keeps the `@Type` decorators' metadata in this module and does not re-export it; class-validator
 * adapters (class-validator-jsonschema among them) read it from here too.
 */
const { defaultMetadataStorage: transformerMetadata } = require('class-transformer/cjs/storage') as {
  defaultMetadataStorage: TransformerMetadataStorage;
};

/**
 * The instance RpcValidationPipe would return for `plain`, or undefined when this cannot vouch for it: the value
 * is invalid, or uses something outside what is compiled. The caller then runs the pipe's own class-transformer
 * and class-validator path, which gives the verdict and its messages.
 */
export type CompiledValidation = (plain: unknown) => object | undefined;

interface ConstraintCheck {
  each: boolean;
  constraints: unknown[];
  constraint: { validate(value: unknown, args: ValidationArguments): unknown };
}

interface PropertyPlan {
  name: string;
  /** `@IsOptional`, `@ValidateIf`: the property's checks run only when every condition holds. */
  conditions: Array<(object: object, value: unknown) => boolean>;
  checks: ConstraintCheck[];
  validatesNested: boolean;
  /** `@Type(() => X)`: the class a nested object becomes. */
  nestedType: Type<object> | undefined;
}

interface ClassPlan {
  type: Type<object>;
  /** `type.name`, read once: the getter is slow, and every check is told the class name. */
  typeName: string;
  properties: PropertyPlan[];
  byName: Map<string, PropertyPlan>;
}

/** A value the compiled path does not build the way class-transformer would: left to the full path. */
const UNSUPPORTED = Symbol('unsupported');

const KNOWN_TYPES = new Set([
  ValidationTypes.CUSTOM_VALIDATION,
  ValidationTypes.IS_DEFINED,
  ValidationTypes.CONDITIONAL_VALIDATION,
  ValidationTypes.NESTED_VALIDATION,
  ValidationTypes.WHITELIST,
]);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Methods and accessors anywhere up the chain: class-transformer skips keys that name one. */
function declaresMembers(type: Type<object>): boolean {
  for (let prototype = type.prototype; prototype && prototype !== Object.prototype;) {
    if (Object.getOwnPropertyNames(prototype).some((name) => name !== 'constructor')) {
      return true;
    }
    prototype = Object.getPrototypeOf(prototype);
  }
  return false;
}

/** An object JSON.parse could have made: no class, whatever realm its `Object` comes from. */
function isObjectLiteral(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === null || Object.getPrototypeOf(prototype) === null;
}

function isPrimitive(value: unknown): boolean {
  return value === null || (typeof value !== 'object' && typeof value !== 'function');
}

/**
 * Validation of internal messages with the contract classes' own decorators and constraint functions, without
 * class-transformer's and class-validator's generic machinery: that machinery costs a few milliseconds for a
 * message of a hundred products, as much as pushing them. It reproduces, for the options RpcValidationPipe uses
 * (`transform`, `whitelist`, `forbidUnknownValues`, no groups), what `plainToInstance` then `validate` do, for
 * classes built from synchronous constraints, `@IsOptional`/`@ValidateIf`, `@ValidateNested` with a plain `@Type`
 * and no other class-transformer decorator. Anything else compiles to null: those classes always take the full path.
 */
export class ValidationCompiler {
  private readonly plans = new Map<Type<object>, ClassPlan | null>();
  private readonly compiled = new Map<Type<object>, CompiledValidation | null>();

  /** The validation of `type`, compiled once; null when it always takes the full path. */
  compile(type: Type<object>): CompiledValidation | null {
    if (!this.compiled.has(type)) {
      this.compiled.set(type, this.compileOnce(type));
    }
    return this.compiled.get(type) ?? null;
  }

  private compileOnce(type: Type<object>): CompiledValidation | null {
    const plan = this.planFor(type);
    if (!plan) {
      return null;
    }
    return (plain) => {
      if (!isPlainObject(plain)) {
        return undefined;
      }
      const instance = this.build(plan, plain);
      return instance !== UNSUPPORTED && this.isValid(plan, instance) ? instance : undefined;
    };
  }

  private planFor(type: Type<object>): ClassPlan | null {
    if (!this.plans.has(type)) {
      // A class referring to itself through `@Type` finds itself being compiled: its objects take the full path.
      this.plans.set(type, null);
      this.plans.set(type, this.plan(type));
    }
    return this.plans.get(type) ?? null;
  }

  private plan(type: Type<object>): ClassPlan | null {
    const metadatas = getMetadataStorage().getTargetValidationMetadatas(type, '', false, false, undefined);
    if (
      metadatas.length === 0 ||
      type.length > 0 ||
      declaresMembers(type) ||
      transformerMetadata.getStrategy(type) !== 'none' ||
      transformerMetadata.getExposedMetadatas(type).length > 0 ||
      transformerMetadata.getExcludedMetadatas(type).length > 0
    ) {
      return null;
    }
    const byName = new Map<string, PropertyPlan>();
    for (const metadata of metadatas) {
      const name = metadata.propertyName;
      if (
        !KNOWN_TYPES.has(metadata.type) ||
        name === '__proto__' ||
        name === 'constructor' ||
        transformerMetadata.findTransformMetadatas(type, name, TransformationType.PLAIN_TO_CLASS).length > 0
      ) {
        return null;
      }
      let property = byName.get(name);
      if (!property) {
        const typeMetadata = transformerMetadata.findTypeMetadata(type, name);
        if (typeMetadata && (typeMetadata.options?.discriminator || typeMetadata.typeFunction.length > 0)) {
          return null;
        }
        property = {
          name,
          conditions: [],
          checks: [],
          validatesNested: false,
          nestedType: typeMetadata?.typeFunction() as Type<object> | undefined,
        };
        byName.set(name, property);
      }
      switch (metadata.type) {
        case ValidationTypes.CONDITIONAL_VALIDATION:
          property.conditions.push(metadata.constraints[0] as (object: object, value: unknown) => boolean);
          break;
        case ValidationTypes.NESTED_VALIDATION:
          property.validatesNested = true;
          break;
        case ValidationTypes.CUSTOM_VALIDATION:
        case ValidationTypes.IS_DEFINED:
          for (const constraint of getMetadataStorage().getTargetValidatorConstraints(
            metadata.constraintCls,
          )) {
            if (constraint.async) {
              return null;
            }
            property.checks.push({
              each: metadata.each,
              constraints: metadata.constraints,
              constraint: constraint.instance as ConstraintCheck['constraint'],
            });
          }
          break;
      }
    }
    // A field initialized by the constructor but unknown to validation would be deleted by the whitelist.
    if (Object.keys(new type()).some((key) => !byName.has(key))) {
      return null;
    }
    return { type: type, typeName: type.name, properties: [...byName.values()], byName };
  }

  /** plainToInstance, whitelisted: the known properties, in the plain object's order, nested ones as instances. */
  private build(plan: ClassPlan, plain: Record<string, unknown>): object | typeof UNSUPPORTED {
    const instance = new plan.type() as Record<string, unknown>;
    for (const key of Object.keys(plain)) {
      const property = plan.byName.get(key);
      if (property) {
        const value = property.nestedType
          ? this.buildNested(property.nestedType, plain[key])
          : property.validatesNested
            ? UNSUPPORTED
            : this.copyPlain(plain[key]);
        if (value === UNSUPPORTED) {
          return UNSUPPORTED;
        }
        instance[key] = value;
      }
    }
    return instance;
  }

  private buildNested(type: Type<object>, value: unknown): unknown {
    if (value === null || value === undefined) {
      return value;
    }
    if (Array.isArray(value)) {
      // class-transformer maps arrays of arrays element by element too (and class-validator walks them).
      const built: unknown[] = [];
      for (const element of value) {
        const instance = this.buildNested(type, element);
        if (instance === UNSUPPORTED || instance === null) {
          return UNSUPPORTED;
        }
        built.push(instance);
      }
      return built;
    }
    const plan = this.planFor(type);
    return plan && isPlainObject(value) ? this.build(plan, value) : UNSUPPORTED;
  }

  /**
   * A free-form value (a store's record in a webhook) as class-transformer copies one without a `@Type`: arrays and
   * plain objects copied all the way down. A key class-transformer treats apart (`__proto__`, `constructor`) leaves
   * the whole message to the full path.
   */
  private copyPlain(value: unknown): unknown {
    if (isPrimitive(value)) {
      return value;
    }
    if (Array.isArray(value)) {
      const copy: unknown[] = [];
      for (const element of value) {
        const copied = this.copyPlain(element);
        if (copied === UNSUPPORTED) {
          return UNSUPPORTED;
        }
        copy.push(copied);
      }
      return copy;
    }
    if (!isPlainObject(value) || !isObjectLiteral(value)) {
      return UNSUPPORTED;
    }
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const copied = key === '__proto__' || key === 'constructor' ? UNSUPPORTED : this.copyPlain(value[key]);
      if (copied === UNSUPPORTED) {
        return UNSUPPORTED;
      }
      copy[key] = copied;
    }
    return copy;
  }

  /** class-validator's ValidationExecutor, as a yes/no: conditions, then checks (`each` over arrays), then nesting. */
  private isValid(plan: ClassPlan, instance: object): boolean {
    const object = instance as Record<string, unknown>;
    // One arguments object per instance, filled in for each check: validators run synchronously and keep none, and
    // one object per check was most of what validating a page of records allocated.
    const args: ValidationArguments = {
      targetName: plan.typeName,
      property: '',
      object: instance,
      value: undefined,
      constraints: [],
    };
    for (const property of plan.properties) {
      const value = object[property.name];
      if (!this.conditionsHold(property.conditions, instance, value)) {
        continue;
      }
      for (const { each, constraints, constraint } of property.checks) {
        args.property = property.name;
        args.value = value;
        args.constraints = constraints;
        if (each && Array.isArray(value)) {
          for (const element of value) {
            if (constraint.validate(element, args) !== true) {
              return false;
            }
          }
        } else if (constraint.validate(value, args) !== true) {
          return false;
        }
      }
      if (property.validatesNested && value !== undefined && !this.isValidNested(value)) {
        return false;
      }
    }
    return true;
  }

  /** `conditions.every(...)` without the closure it would build for every property of every instance. */
  private conditionsHold(conditions: PropertyPlan['conditions'], instance: object, value: unknown): boolean {
    for (const condition of conditions) {
      if (!condition(instance, value)) {
        return false;
      }
    }
    return true;
  }

  private isValidNested(value: unknown): boolean {
    if (Array.isArray(value)) {
      return value.every((element) => this.isValidNested(element));
    }
    if (typeof value !== 'object' || value === null) {
      return false;
    }
    const plan = this.planFor(value.constructor as Type<object>);
    return plan !== null && this.isValid(plan, value);
  }
}
