// Jest (the plugin-test preset) runs this before each test file: Testing Library's DOM matchers, and
// what jsdom lacks for Flex UI to load: media elements that play (Flex primes its ringtone on load).
import '@testing-library/jest-dom';

globalThis.HTMLMediaElement.prototype.play = () => Promise.resolve();
globalThis.HTMLMediaElement.prototype.pause = () => undefined;
