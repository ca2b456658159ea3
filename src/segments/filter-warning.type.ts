import { Field, ObjectType } from 'type-graphql';

@ObjectType('FilterWarning', {
  description:
    'A criterion that names something no customer has (an event, property key, attribute key, order category, interest or country): it matches no one for now. Never an error, since the name may appear later.',
})
export class FilterWarningType {
  @Field({
    description:
      'Where in the filter the name is written, as in BAD_USER_INPUT paths (filter.and.1.behaviour.event.name).',
  })
  path!: string;

  @Field({
    description:
      'What is missing, with the closest existing name when one is close ("no event named purchsae; did you mean purchase?").',
  })
  message!: string;
}
