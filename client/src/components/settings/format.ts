export { formatDate } from '../common/format.ts';
