import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// Hummingbird's HTTP/1 child channel with the OpenAI paths served below its HTTPTypes layer.
///
/// ``FastRequestHandler`` comes first: it serves plain OpenAI-path requests straight from the
/// connection's bytes, and hands the connection to the rest of the pipeline at the first
/// request it does not take.
///
/// The pipeline is Hummingbird's own (NIO's HTTP/1 codec, the HTTPTypes conversion, the
/// connection-state handler, the router's async channel) with ``OpenAIChannelHandler`` placed
/// straight after the HTTP/1 codec: an OpenAI-path request is read as NIO's HTTP/1 parts, so
/// its headers are never converted to HTTPTypes and back, and its response is written as bytes
/// below NIO's response encoder (a few microseconds per request each); every other request
/// continues up the pipeline to the router unchanged.
struct GangwayHTTP1Channel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    let responder: HTTPChannelHandler.Responder
    let forwarder: OpenAIForwarder

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            let pipeline = channel.pipeline.syncOperations
            // Hummingbird's limits on request heads.
            var limits = NIOHTTPDecoderLimitConfiguration()
            limits.maxHeaderFieldSize = 80 * 1024
            limits.maxHeaderListSize = 80 * 1024
            limits.maxHeaderFieldCount = 1000
            // Hummingbird's defaults: no pipelining assistance (requests on one connection are
            // answered in order by the router's async channel and by OpenAIChannelHandler's
            // queue), no outbound header validation (HTTPTypes and Gangway build the headers).
            try pipeline.configureHTTPServerPipeline(
                withPipeliningAssistance: false, withErrorHandling: false, withOutboundHeaderValidation: false,
                withEncoderConfiguration: .init(), withDecoderLimitConfiguration: limits)
            try pipeline.addHandler(FastRequestHandler(forwarder: forwarder), position: .first)
            let output = try pipeline.context(handlerType: HTTPResponseEncoder.self)
            try pipeline.addHandler(OpenAIChannelHandler(forwarder: forwarder, output: output))
            try pipeline.addHandler(HTTP1ToHTTPServerCodec(secure: false))
            try pipeline.addHandler(HTTPConnectionStateHandler(idleTimeout: nil, logger: logger))
            return try NIOAsyncChannel(
                wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
        }
    }

    func handle(value asyncChannel: Value, logger: Logger) async {
        await handleHTTP(asyncChannel: asyncChannel, logger: logger)
    }
}
