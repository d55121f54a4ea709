const { jestConfigFor } = require('../jest.preset');

module.exports = jestConfigFor(__dirname);
