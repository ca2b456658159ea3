import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { JSONScalar } from './scalars';

/**
 * What every saved object shows: segments, personas, scoring models. The
 * base classes are decorated so that their fields pass to each subclass;
 * no field returns them, so the schema does not show them as types.
 */
@ObjectType('SavedObject')
export abstract class SavedObjectType {
  @Field(() => ID)
  id!: number;

  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;
}

/** A saved object defined by one filter: segments, personas. */
@ObjectType('SavedFilterObject')
export abstract class SavedFilterType extends SavedObjectType {
  @Field(() => JSONScalar, { description: 'The SegmentFilter as saved; feeds back into the input unchanged.' })
  filter!: Record<string, unknown>;

  @Field({ description: 'The filter in plain words.' })
  definition!: string;
}

/** The name and description every saved object's input takes (checked by checkNamed). */
@InputType('SavedObjectInput')
export abstract class SavedObjectInput {
  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;
}
