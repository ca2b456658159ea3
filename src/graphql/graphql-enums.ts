import { registerEnumType } from 'type-graphql';
import { Channel, Gender, LifecycleStage, RfmSegment } from '../common/enums';

registerEnumType(Gender, { name: 'Gender' });
registerEnumType(LifecycleStage, { name: 'LifecycleStage', description: 'LEAD → PROSPECT → QUALIFIED → CUSTOMER, or CHURNED.' });
registerEnumType(Channel, { name: 'Channel' });
registerEnumType(RfmSegment, { name: 'RfmSegment' });

export enum SortDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}
registerEnumType(SortDirection, { name: 'SortDirection' });

export { Channel, Gender, LifecycleStage, RfmSegment };
