import type { ComponentType } from 'react';
import { BuilderPage } from './pages/builder';
import { MembersPage } from './pages/members';
import { MapPage } from './pages/map';
import { SegmentsPage } from './pages/segments';
import { SegmentPage } from './pages/segment';
import { PersonasPage } from './pages/personas';
import type { PageProps } from './router';

export interface Route {
  /** A hash path with :parameters, e.g. "/segments/:id". */
  pattern: string;
  page: ComponentType<PageProps>;
  /** Shown in the navigation when set (in this order). */
  nav?: string;
}

/** The route table: one page module per route (pages/*.tsx). The first route is the home. */
export const ROUTES: Route[] = [
  { pattern: '/builder', page: BuilderPage, nav: 'Builder' },
  { pattern: '/members', page: MembersPage, nav: 'Members' },
  { pattern: '/map', page: MapPage, nav: 'Market map' },
  { pattern: '/segments', page: SegmentsPage, nav: 'Segments' },
  { pattern: '/segments/:id', page: SegmentPage },
  { pattern: '/personas', page: PersonasPage, nav: 'Personas' },
];
