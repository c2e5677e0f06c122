// The component tests: Jest 27 with the configuration of Twilio's plugin tests (@twilio/flex-plugin-test's
// preset: Babel, src/setupTests.js), in jsdom. Run with jest itself, as flex-project-template does:
// `flex-plugin test` 7.1.2 hands Jest its own --name and --run-script flags, which Jest refuses.
module.exports = { preset: '@twilio/flex-plugin-test', testEnvironment: 'jsdom' };
