import * as Flex from '@twilio/flex-ui';
import { FlexPlugin } from '@twilio/flex-plugin';
import { register } from './feature-library/recording-controls';

const PLUGIN_NAME = 'RecordingControlsPlugin';

export default class RecordingControlsPlugin extends FlexPlugin {
  constructor() {
    super(PLUGIN_NAME);
  }

  /** Runs when Flex loads the plugin: adds the button, the Actions, the shortcuts and the supervisors' views. */
  init(flex: typeof Flex, manager: Flex.Manager) {
    register(flex, manager);
  }
}
