package io.sluice.gateway.http.rest;

import tools.jackson.databind.JsonNode;

/**
 * A request's JSON body, checked: its bytes as they came (what is stored or sent on) and the tree they parse to.
 * @param bytes the body
 * @param tree the body parsed
 */
record JsonBody(byte[] bytes, JsonNode tree) {

}
