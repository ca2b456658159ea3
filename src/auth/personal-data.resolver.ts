import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { DateTimeScalar } from '../graphql/scalars';
import { CustomerType } from '../customers/customer.types';
import type { Customer } from '../entities';
import type { RequestContext } from '../graphql/context';
import { mayReadPersonalData, maskEmail, maskPhone, maskText } from './masking';

const PERSONAL = 'Personal data: masked without the pii scope';

/** The stored value for callers with pii, its masked form for others. */
function shown(
  value: string | null | undefined,
  ctx: RequestContext,
  mask: (value: string) => string,
): string | null {
  if (value == null) return null;
  return mayReadPersonalData(ctx.caller) ? value : mask(value);
}

/** A customer's personal data, shown as stored to callers with the pii scope and masked to others (docs/API.md). */
@Resolver(() => CustomerType)
export class CustomerPersonalDataResolver {
  @FieldResolver(() => String, { nullable: true, description: `${PERSONAL} ("j***@example.com").` })
  email(@Root() customer: Customer, @Ctx() ctx: RequestContext): string | null {
    return shown(customer.email, ctx, maskEmail);
  }

  @FieldResolver(() => String, { nullable: true, description: `${PERSONAL} ("***78": the last two digits).` })
  phone(@Root() customer: Customer, @Ctx() ctx: RequestContext): string | null {
    return shown(customer.phone, ctx, maskPhone);
  }

  @FieldResolver(() => String, { nullable: true, description: `${PERSONAL} ("J***").` })
  firstName(@Root() customer: Customer, @Ctx() ctx: RequestContext): string | null {
    return shown(customer.firstName, ctx, maskText);
  }

  @FieldResolver(() => String, { nullable: true, description: `${PERSONAL} ("D***").` })
  lastName(@Root() customer: Customer, @Ctx() ctx: RequestContext): string | null {
    return shown(customer.lastName, ctx, maskText);
  }

  @FieldResolver(() => DateTimeScalar, {
    nullable: true,
    description: `${PERSONAL} (null; age stays readable).`,
  })
  birthDate(@Root() customer: Customer, @Ctx() ctx: RequestContext): Date | null {
    return mayReadPersonalData(ctx.caller) ? (customer.birthDate ?? null) : null;
  }
}
