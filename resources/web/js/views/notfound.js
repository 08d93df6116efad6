// Any path the app has no view for.

import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { pageHeader } from '../ui.js';

export default function notFoundView({ main }) {
  replace(main, pageHeader(t('notFound.title')),
    h('p', {}, t('notFound.text')),
    h('a', { href: '/', class: 'btn btn-primary' }, t('common.backToDashboard')));
}
