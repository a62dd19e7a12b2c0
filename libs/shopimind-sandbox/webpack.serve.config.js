const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('path');

/** The hand-run sandbox (`nx run shopimind-sandbox:build-serve`) as one bundle, started without ts-node. */
module.exports = {
  output: { path: join(__dirname, '../../dist/libs/shopimind-sandbox-serve') },
  plugins: [
    new NxAppWebpackPlugin({
      target: 'node',
      compiler: 'tsc',
      main: './src/serve.ts',
      tsConfig: './tsconfig.serve.json',
      optimization: false,
      outputHashing: 'none',
      // Never deployed: nothing to install next to it.
      generatePackageJson: false,
      // node_modules stay external, resolved from the workspace as for the apps.
      externalDependencies: 'all',
    }),
  ],
};
