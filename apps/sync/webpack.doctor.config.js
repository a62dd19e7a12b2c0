const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('path');

/** The store doctor as its own bundle (`nx run sync:build-doctor`), beside the sync app's. */
module.exports = {
  output: { path: join(__dirname, '../../dist/apps/sync-doctor') },
  plugins: [
    new NxAppWebpackPlugin({
      target: 'node',
      compiler: 'tsc',
      main: './src/doctor.ts',
      tsConfig: './tsconfig.app.json',
      optimization: false,
      outputHashing: 'none',
      generatePackageJson: true,
      // node_modules stay external, resolved from the workspace as for the other apps.
      externalDependencies: 'all',
    }),
  ],
};
