'use strict'

/*
 * The authentication webhook of the login benchmark: deepstream's http authentication calls it (and Sluice's
 * webhook strategy) with {connectionData, authData}. Answers 200 with {id, clientData, serverData} for any username,
 * or 401 when authData.token is "bad".
 *
 * Usage: node webhook.js <port>     prints {"listening": <port>} once it accepts requests
 */

const http = require('http')

const port = Number(process.argv[2])
if (!port) {
  process.stderr.write('usage: node webhook.js <port>\n')
  process.exit(2)
}

const server = http.createServer((request, response) => {
  const chunks = []
  request.on('data', (chunk) => chunks.push(chunk))
  request.on('end', () => {
    let authData = {}
    try {
      authData = JSON.parse(Buffer.concat(chunks).toString('utf8')).authData || {}
    } catch (e) {
      // an unreadable body is refused below like a bad token
      authData = { token: 'bad' }
    }
    const refused = authData.token === 'bad'
    const body = refused
      ? { clientData: { reason: 'bad token' } }
      : { id: String(authData.username || 'anonymous'), clientData: { user: authData.username }, serverData: {} }
    response.writeHead(refused ? 401 : 200, { 'Content-Type': 'application/json' })
    response.end(JSON.stringify(body))
  })
})

server.listen(port, '127.0.0.1', () => process.stdout.write(JSON.stringify({ listening: port }) + '\n'))
