-- Where the other nodes of a cluster reach a node's SIP-TLS port (issue 15): a call arriving on one
-- node for a phone whose flow another node holds goes there. host:port, [v6]:port; null for a node
-- that did not say.
ALTER TABLE hub_node ADD COLUMN sip_address VARCHAR(300);
