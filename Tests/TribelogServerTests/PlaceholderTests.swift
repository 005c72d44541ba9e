import Testing
import HummingbirdTesting
@testable import TribelogServer
