import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { SAVED, SAVED_DEFINITION, SAVED_FILTER } from '../common/descriptions';
import { JSONScalar } from './scalars';

/**
 * What every saved object shows: segments, personas, scoring models. The
 * base classes are decorated so that their fields pass to each subclass;
 * no field returns them, so the schema does not show them as types.
 */
@ObjectType('SavedObject')
export abstract class SavedObjectType {
  @Field(() => ID, { description: SAVED.id })
  id!: number;

  @Field({ description: SAVED.name })
  name!: string;

  @Field(() => String, { nullable: true, description: SAVED.description })
  description?: string | null;
}

/** A saved object defined by one filter: segments, personas. */
@ObjectType('SavedFilterObject')
export abstract class SavedFilterType extends SavedObjectType {
  @Field(() => JSONScalar, { description: SAVED_FILTER })
  filter!: Record<string, unknown>;

  // Resolved by each kind (email criteria masked without pii): SegmentResolver, PersonaResolver.
  @Field({ description: SAVED_DEFINITION })
  definition!: string;
}

/** The name and description every saved object's input takes (checked by checkNamed). */
@InputType('SavedObjectInput')
export abstract class SavedObjectInput {
  @Field({ description: SAVED.inputName })
  name!: string;

  @Field(() => String, { nullable: true, description: SAVED.inputDescription })
  description?: string | null;
}
