import * as Flex from '@twilio/flex-ui';
import { functionsUrl, pauseAlertSeconds, pauseBehavior, recordTarget, statusPollMs } from './config';
import { registerRecordingActions } from './flex-hooks/actions';
import { addRecordingButton } from './flex-hooks/components/CallCanvas';
import { addTeamsColumn } from './flex-hooks/components/TeamsView';
import { addRecordingShortcuts } from './flex-hooks/keyboard-shortcuts';
import { addForgottenPauseNotification } from './flex-hooks/notifications';
import { enUS, setStringSource, strings } from './flex-hooks/strings';
import { addRecordingsView } from './flex-hooks/views/RecordingsView';
import { createConsoleSession } from './helpers/consoleSession';
import { createRecordingController } from './helpers/recordingController';
import { createRecordingService } from './helpers/RecordingService';

/** The signed-in user's Flex token, read at each request: Flex renews it during the session. */
const flexToken = (manager: Flex.Manager) => () =>
  manager.store.getState().flex.session.ssoTokenPayload?.token ?? manager.user.token;

const isStaff = (manager: Flex.Manager) =>
  (manager.user.roles ?? []).some((role: string) => role === 'supervisor' || role === 'admin');

export function register(flex: typeof Flex, manager: Flex.Manager) {
  const locale = manager.localization?.localeTag ?? 'en-US';
  // The customer's own strings (manager.strings) win over the plugin's, in any language.
  manager.strings = { ...enUS, ...strings[locale], ...manager.strings } as typeof manager.strings;
  setStringSource((key) => (manager.strings as unknown as Record<string, string | undefined>)[key]);

  const baseUrl = functionsUrl();
  if (!baseUrl) {
    console.error('[recording-controls] FLEX_APP_RECORDING_FUNCTIONS_URL is not set: the plugin adds nothing');
    return;
  }
  const service = createRecordingService({ baseUrl, flexToken: flexToken(manager) });
  const controller = createRecordingController({
    service,
    record: recordTarget(),
    pauseBehavior: pauseBehavior(),
    alertSeconds: pauseAlertSeconds(),
    onForgotten: addForgottenPauseNotification(flex),
  });
  registerRecordingActions(flex.Actions, controller);
  addRecordingButton(flex, controller, pauseAlertSeconds(), statusPollMs());
  addRecordingShortcuts(flex, manager);
  if (isStaff(manager)) {
    const session = createConsoleSession(service);
    addRecordingsView(flex, session);
    addTeamsColumn(flex, session);
  }
}
