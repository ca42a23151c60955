import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { createAppRouter } from './router/index.ts';
import { useSessionStore } from './stores/session.ts';
import './styles/base.css';

const app = createApp(App);
const pinia = createPinia();
app.use(pinia);
const router = createAppRouter(useSessionStore(pinia));
app.use(router);
// The first navigation restores the session; mount after it so no page flashes the wrong layout.
void router.isReady().finally(() => app.mount('#app'));
