// ajv-cli plugin for ci/bench.sh: the formats of ajv-formats (email, uri, date-time, ...)
// plus the numeric format names schemars writes into cabinet's schemas (uint8, uint32,
// int64, double, ...). Those are annotations, not JSON Schema formats: cabinet's own
// validator and check-jsonschema ignore them, so they are declared here as always valid
// (ajv in strict mode refuses a schema with an unknown format).
"use strict";
const addFormats = require("ajv-formats");
module.exports = function (ajv) {
  addFormats(ajv);
  for (const name of ["uint", "uint8", "uint16", "uint32", "uint64", "int", "int8", "int16", "int32", "int64", "float", "double"]) {
    ajv.addFormat(name, { type: "number", validate: () => true });
  }
  return ajv;
};
