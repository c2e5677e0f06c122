// twilio-run and `twilio serverless:deploy` read this file (it is JavaScript so that a deploy can check the
// build). Sources are TypeScript: `npm run build` bundles each Function into dist/, and that is what runs
// and deploys.
module.exports = {
  functionsFolder: 'dist/functions',
  assetsFolder: 'dist/assets',
  // The service created by `npm run deploy`.
  serviceName: 'recording-controls',
  // Deployed Functions run on Node.js 22 (the bundles target 20.19, the oldest local Node; package.json engines).
  runtime: 'node22',
  // No "env": .env is read when there is one (npm start makes it), so a Twilio CLI user whose credentials
  // are in the CLI's profile deploys without one.
  commands: {
    // Read by deploys alone: the CLI runs no build, so a missing or stale one stops the deploy here, before
    // anything is uploaded. A deploy uploads the Functions without the examples (DEPLOY_EXAMPLES=true npm
    // run build adds them).
    get deploy() {
      const problem = require('./scripts/build-record.cjs').buildProblem(__dirname);
      if (problem) throw new Error(problem);
      return { functionsFolder: 'dist/deploy/functions' };
    },
  },
};
