import Foundation

/// Text exports of a collaboration graph for analysts' tools (spreadsheets, Gephi, networkx).
enum CollaborationExport {
    static func csv(_ edges: [CollaborationEdge]) -> String {
        var text = "source,target,weight\n"
        for edge in edges { text += "\(field(edge.source)),\(field(edge.target)),\(edge.weight)\n" }
        return text
    }

    /// RFC 4180: ids may hold commas or quotes (the domain forbids only whitespace, control
    /// characters and ':'), and such a field is quoted with its quotes doubled.
    private static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func graphML(_ edges: [CollaborationEdge]) -> String {
        var nodes = Set<String>()
        for edge in edges { nodes.formUnion([edge.source, edge.target]) }
        var xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <graphml xmlns="http://graphml.graphdrawing.org/xmlns" \
            xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
            xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">
              <key id="weight" for="edge" attr.name="weight" attr.type="int"/>
              <graph id="collaboration" edgedefault="undirected">

            """
        for node in nodes.sorted(by: KeyOrder.precedes) { xml += "    <node id=\"\(escape(node))\"/>\n" }
        for edge in edges {
            xml += "    <edge source=\"\(escape(edge.source))\" target=\"\(escape(edge.target))\">"
            xml += "<data key=\"weight\">\(edge.weight)</data></edge>\n"
        }
        xml += "  </graph>\n</graphml>\n"
        return xml
    }

    private static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
