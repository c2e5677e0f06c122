import * as Flex from '@twilio/flex-ui';

export const FORGOTTEN_PAUSE = 'RCPauseForgotten';

/** A Flex notification for the agent's own pause past the alert: seen from any view, not only the call canvas. */
export function addForgottenPauseNotification(flex: typeof Flex) {
  flex.Notifications.registerNotification({
    id: FORGOTTEN_PAUSE,
    content: 'RCForgottenNotice',
    type: flex.NotificationType.warning,
    closeButton: true,
    timeout: 0,
  });
  return () => {
    flex.Notifications.showNotification(FORGOTTEN_PAUSE);
  };
}
