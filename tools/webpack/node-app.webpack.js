const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { basename, join } = require('path');

/** The webpack config of every Node app: `module.exports = nodeAppWebpackConfig(__dirname)` in apps/<app>. */
module.exports = function nodeAppWebpackConfig(appDir) {
  return {
    output: { path: join(__dirname, '../../dist/apps', basename(appDir)) },
    plugins: [
      new NxAppWebpackPlugin({
        target: 'node',
        compiler: 'tsc',
        main: './src/main.ts',
        tsConfig: './tsconfig.app.json',
        optimization: false,
        outputHashing: 'none',
        generatePackageJson: true,
        // node_modules stay external: PGlite loads its WASM next to its own files.
        externalDependencies: 'all',
      }),
    ],
  };
};
