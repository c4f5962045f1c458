// The built addon (build/Release/infrarust_splice.node); throws when it was not built.
module.exports = require('./build/Release/infrarust_splice.node');
