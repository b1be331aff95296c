/// STS `GetCallerIdentity`: needs no permission, as in AWS, since it tells callers only what
/// an `AccessDenied` message would tell them anyway.
extension QueryAPI {
    func getCallerIdentity(_ request: QueryRequest) -> XMLWriter {
        var xml = XMLWriter()
        xml.element("Arn", request.caller.arn)
        xml.element("UserId", request.caller.userID)
        xml.element("Account", request.caller.account)
        return xml
    }
}
