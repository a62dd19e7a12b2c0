const nodeAppWebpackConfig = require('../../tools/webpack/node-app.webpack');

module.exports = nodeAppWebpackConfig(__dirname);
