import type { RouteRecordRaw } from 'vue-router';
import type { Role } from '../../../shared/schemas/auth.ts';

/** Roles that may read the audit trail (the server enforces the same list). */
export const AUDIT_READERS: readonly Role[] = ['admin', 'security-officer', 'auditor'];

/** Roles that may read certificates of sanitization (the server enforces the same list). */
export const CERTIFICATE_READERS: readonly Role[] = ['admin', 'security-officer', 'auditor'];

export const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: () => import('../views/LoginView.vue'),
    meta: { public: true, bare: true, title: 'Log in' },
  },
  {
    path: '/change-password',
    name: 'change-password',
    component: () => import('../views/ChangePasswordView.vue'),
    meta: { passwordChange: true, bare: true, title: 'Change password' },
  },
  { path: '/', redirect: { name: 'fleet' } },
  {
    path: '/fleet',
    name: 'fleet',
    component: () => import('../views/FleetView.vue'),
    meta: { title: 'Fleet' },
  },
  {
    path: '/drives',
    name: 'drives',
    component: () => import('../views/DrivesView.vue'),
    meta: { title: 'Drives' },
  },
  {
    path: '/drives/:id',
    name: 'drive',
    component: () => import('../views/DriveView.vue'),
    meta: { title: 'Drive', nav: 'drives' },
  },
  {
    path: '/libraries',
    name: 'libraries',
    component: () => import('../views/LibrariesView.vue'),
    meta: { title: 'Libraries' },
  },
  {
    path: '/libraries/:serial',
    name: 'library',
    component: () => import('../views/LibrariesView.vue'),
    meta: { title: 'Libraries', nav: 'libraries' },
  },
  {
    path: '/tapes',
    name: 'tapes',
    component: () => import('../views/TapesView.vue'),
    meta: { title: 'Tapes' },
  },
  { path: '/keys', name: 'keys', component: () => import('../views/KeysView.vue'), meta: { title: 'Keys' } },
  { path: '/jobs', name: 'jobs', component: () => import('../views/JobsView.vue'), meta: { title: 'Jobs' } },
  {
    path: '/audit',
    name: 'audit',
    component: () => import('../views/AuditView.vue'),
    meta: { title: 'Audit', roles: AUDIT_READERS },
  },
  {
    path: '/erase',
    name: 'erase',
    component: () => import('../views/EraseView.vue'),
    meta: { title: 'Erase schedule' },
  },
  {
    path: '/approvals',
    name: 'approvals',
    component: () => import('../views/ApprovalsView.vue'),
    meta: { title: 'Approvals', roles: AUDIT_READERS },
  },
  {
    path: '/certificates',
    name: 'certificates',
    component: () => import('../views/CertificatesView.vue'),
    meta: { title: 'Certificates', roles: CERTIFICATE_READERS },
  },
  {
    path: '/settings',
    name: 'settings',
    component: () => import('../views/SettingsView.vue'),
    meta: { title: 'Settings' },
  },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('../views/NotFoundView.vue'),
    meta: { title: 'Not found' },
  },
];

export interface NavItem {
  name: string;
  label: string;
  roles?: readonly Role[];
}

/** The left navigation, in order. */
export const NAV_ITEMS: readonly NavItem[] = [
  { name: 'fleet', label: 'Fleet' },
  { name: 'drives', label: 'Drives' },
  { name: 'libraries', label: 'Libraries' },
  { name: 'tapes', label: 'Tapes' },
  { name: 'keys', label: 'Keys' },
  { name: 'jobs', label: 'Jobs' },
  { name: 'erase', label: 'Erase schedule' },
  { name: 'approvals', label: 'Approvals', roles: AUDIT_READERS },
  { name: 'audit', label: 'Audit', roles: AUDIT_READERS },
  { name: 'certificates', label: 'Certificates', roles: CERTIFICATE_READERS },
  { name: 'settings', label: 'Settings' },
];
