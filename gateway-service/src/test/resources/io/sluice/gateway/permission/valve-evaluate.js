// Evaluates Valve rule expressions as deepstream does (a Function over _, user, data, oldData, now, action and the
// path variables) and writes each value with a type tag, so that undefined, NaN, -0 and Infinity survive JSON.
// Usage: node valve-evaluate.js cases.json results.json
// cases.json: {"maxRuleIterations": n, "contexts": [...], "expressions": [...]}; every expression is evaluated in
// every context. results.json: an array (expression-major) of tagged values, {"t":"error"} when the
// expression throws, {"t":"refused"} when it does not compile.
'use strict'
const fs = require('fs')

const [input, output] = process.argv.slice(2)
const cases = JSON.parse(fs.readFileSync(input, 'utf8'))

function tag (value) {
  if (value === undefined) return { t: 'undefined' }
  if (value === null) return { t: 'null' }
  switch (typeof value) {
    case 'boolean': return { t: 'boolean', v: value }
    case 'string': return { t: 'string', v: value }
    case 'number':
      if (Number.isNaN(value)) return { t: 'number', v: 'NaN' }
      if (value === Infinity) return { t: 'number', v: 'Infinity' }
      if (value === -Infinity) return { t: 'number', v: '-Infinity' }
      if (Object.is(value, -0)) return { t: 'number', v: '-0' }
      return { t: 'number', v: value }
    case 'function': return { t: 'function' }
    default:
      if (value instanceof RegExp) return { t: 'regexp', v: String(value) }
      if (Array.isArray(value)) return { t: 'array', v: Array.from(value, tag) }
      return { t: 'object', v: Object.fromEntries(Object.keys(value).map((key) => [key, tag(value[key])])) }
  }
}

// The cross-record reads of a rule whose records were all loaded: what deepstream's RuleApplication returns on its
// last run, with the same limit on the number of reads.
function crossReader (records, limit) {
  let reads = 0
  return (name) => {
    if (name === undefined || (typeof name === 'string' && name.includes('undefined'))) return undefined
    if (typeof name !== 'string') throw new TypeError('crossreference got unsupported type ' + typeof name)
    if (++reads > limit) throw new Error('Exceeded max iteration count')
    if (!Object.prototype.hasOwnProperty.call(records, name)) throw new Error('record not loaded: ' + name)
    return records[name]
  }
}

const results = []
for (const expression of cases.expressions) {
  for (const context of cases.contexts) {
    const names = Object.keys(context.variables)
    let fn
    try {
      fn = Function.apply(null, ['_', 'user', 'data', 'oldData', 'now', 'action', ...names, 'return ' + expression + ';'])
    } catch (error) {
      results.push({ t: 'refused', v: String(error) })
      continue
    }
    let result
    try {
      const user = { isAuthenticated: context.userId !== null, id: context.userId, data: context.userData }
      result = tag(fn.apply({}, [crossReader(context.records, cases.maxRuleIterations), user, context.data,
        context.oldData, context.now, context.action === null ? undefined : context.action,
        ...names.map((name) => context.variables[name])]))
    } catch (error) {
      result = { t: 'error', v: String(error) }
    }
    results.push(result)
  }
}
fs.writeFileSync(output, JSON.stringify(results))
