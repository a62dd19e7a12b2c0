const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('path');

/** The dead-letters command as its own bundle (`nx run push:build-dead-letters`), beside the push app's. */
module.exports = {
  output: { path: join(__dirname, '../../dist/apps/push-dead-letters') },
  plugins: [
    new NxAppWebpackPlugin({
      target: 'node',
      compiler: 'tsc',
      main: './src/dead-letters.ts',
      tsConfig: './tsconfig.app.json',
      optimization: false,
      outputHashing: 'none',
      generatePackageJson: true,
      // node_modules stay external, resolved from the workspace or the push image's own dependencies.
      externalDependencies: 'all',
    }),
  ],
};
