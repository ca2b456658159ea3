import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { DateTimeScalar } from '../common/scalars';
import { CustomerType } from '../customers/customer.types';
import type { Customer } from '../entities';
import type { RequestContext } from '../server/context';
import { mayReadPersonalData, maskEmail, maskPhone, maskText } from './masking';

const PERSONAL = 'Personal data: masked without the pii scope';

/** A customer's personal data, shown as stored to callers with the pii scope and masked to others (API.md). */
@Resolver(() => CustomerType)
export class CustomerPersonalDataResolver {
  @FieldResolver(() => String, { nullable: true, description: `${PERSONAL} ("j***@example.com").` })
  email(@Root() customer: Customer, @Ctx() ctx: RequestContext): string | null {
    return customer.email == null || mayReadPersonalData(ctx.caller) ? (customer.email ?? null) : maskEmail(customer.email);
  }

  @FieldResolver(() => String, { nullable: true, description: `${PERSONAL} ("***78": the last two digits).` })
  phone(@Root() customer: Customer, @Ctx() ctx: RequestContext): string | null {
    return customer.phone == null || mayReadPersonalData(ctx.caller) ? (customer.phone ?? null) : maskPhone(customer.phone);
  }

  @FieldResolver(() => String, { nullable: true, description: `${PERSONAL} ("J***").` })
  firstName(@Root() customer: Customer, @Ctx() ctx: RequestContext): string | null {
    return customer.firstName == null || mayReadPersonalData(ctx.caller) ? (customer.firstName ?? null) : maskText(customer.firstName);
  }

  @FieldResolver(() => String, { nullable: true, description: `${PERSONAL} ("D***").` })
  lastName(@Root() customer: Customer, @Ctx() ctx: RequestContext): string | null {
    return customer.lastName == null || mayReadPersonalData(ctx.caller) ? (customer.lastName ?? null) : maskText(customer.lastName);
  }

  @FieldResolver(() => DateTimeScalar, { nullable: true, description: `${PERSONAL} (null; age stays readable).` })
  birthDate(@Root() customer: Customer, @Ctx() ctx: RequestContext): Date | null {
    return mayReadPersonalData(ctx.caller) ? (customer.birthDate ?? null) : null;
  }
}
