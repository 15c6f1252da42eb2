'use strict';
// Loaded only if the server is configured with httpServer.type: uws, which the peer never is.
throw new Error('uWebSockets.js is not installed; run deepstream with httpServer.type: default');
