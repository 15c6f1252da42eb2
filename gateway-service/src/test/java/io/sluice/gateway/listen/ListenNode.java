package io.sluice.gateway.listen;

import java.time.Duration;
import java.util.List;

import io.sluice.gateway.cluster.TestCluster;
import io.sluice.gateway.protocol.Message;

/**
 * One gateway node of a {@link TestCluster} as record listening sees it: its subscriptions and registry, driven as
 * the topic handlers drive them ({@link ListenFixture}), and its relay.
 */
final class ListenNode {

	final String id;

	final TestCluster.Member member;

	final ListenFixture clients;

	final ListenRegistry registry;

	final ListenRelay relay;

	ListenNode(TestCluster cluster, String id, ListenProperties properties) {
		this.id = id;
		this.member = cluster.member(id);
		this.clients = new ListenFixture(ListenTopic.RECORD, properties, cluster.time());
		this.registry = this.clients.registry;
		this.relay = this.member.relay(ListenRelay.attach(this.registry, this.member.membership()));
	}

	/** Starts {@code nodes}, and lets them hear of each other. */
	static void start(TestCluster cluster, ListenNode... nodes) {
		for (ListenNode node : nodes) {
			node.member.start();
		}
		cluster.time().advanceTimeBy(Duration.ZERO);
	}

	/** The node that decides for {@code name}, as this node sees it. */
	String owner(String name) {
		String owner = this.relay.owner(name);
		return (owner != null) ? owner : this.id;
	}

	/** Listens, without taking the acknowledgement. */
	void listen(Peer peer, String pattern) {
		this.clients.send(peer, ListenTopic.RECORD.listen, pattern, null);
	}

	void unlisten(Peer peer, String pattern) {
		this.clients.send(peer, ListenTopic.RECORD.unlisten, pattern, null);
	}

	void accept(Peer peer, String pattern, String name) {
		this.clients.accept(peer, pattern, name);
	}

	void reject(Peer peer, String pattern, String name) {
		this.clients.reject(peer, pattern, name);
	}

	void subscribe(Peer peer, String name) {
		this.clients.subscribe(peer, name);
	}

	void unsubscribe(Peer peer, String name) {
		this.clients.unsubscribe(peer, name);
	}

	void close(Peer peer) {
		this.clients.close(peer);
	}

	/** The actions of what {@code peer} received since the last call, acknowledgements left out. */
	static List<Integer> actions(Peer peer) {
		return peer.take().stream().filter((message) -> !message.isAck()).map(Message::action).toList();
	}

	@Override
	public String toString() {
		return this.id;
	}

}
